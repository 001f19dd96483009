import assert from 'node:assert/strict';
import { cp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox, type GoResult } from '../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { GitFixture } from '../upstream/direct/git/git-fixture.js';

/**
 * A repository whose unrelated branches point at commits the server cannot send (issue 16):
 * the served copy lacks objects of those branches' history, as mirrors of real repositories
 * sometimes do. The go command in `GOPROXY=direct` mode fetches one tag at a time and never
 * needs them; modgate must resolve tagged versions, lists and `@latest` exactly as it does.
 * The go command is the oracle: the same queries through modgate and in direct mode, outputs
 * compared. (Module paths carry the `.git` qualifier, so cmd/go needs no go-get lookup; see
 * test/upstream/direct/conformance.test.ts.)
 */
describe('modgate serve: a remote whose other branches cannot be fetched', () => {
  let git: GitFixture;
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  let go: GoSandbox;
  let directEnv: Record<string, string>;
  let intactEnv: Record<string, string>;
  const M = 'example.com/mono.git';
  const SUB = `${M}/sub`;

  before(async () => {
    git = await GitFixture.create();
    const work = await git.newRepo('work');
    const at = (day: number): string => `2024-03-${String(day).padStart(2, '0')}T10:00:00Z`;
    const base = await git.commit(
      work,
      { 'go.mod': `module ${M}\n\ngo 1.16\n`, 'a.go': 'package mono\n\nconst V = 1\n' },
      'v1.0.0',
      at(1),
    );
    await git.git(work, ['tag', 'v1.0.0']);
    await git.commit(work, { 'a.go': 'package mono\n\nconst V = 2\n' }, 'v1.1.0', at(2));
    await git.git(work, ['tag', 'v1.1.0']);
    await git.commit(
      work,
      { 'sub/go.mod': `module ${SUB}\n\ngo 1.16\n`, 'sub/s.go': 'package sub\n' },
      'sub',
      at(3),
    );
    await git.annotatedTag(work, 'sub/v1.0.0', 'HEAD', at(3));
    await git.commit(work, { 'sub/s.go': 'package sub\n\n// two\n' }, 'sub 2', at(4));
    await git.git(work, ['tag', 'sub/v1.0.1']);
    await git.commit(work, { 'a.go': 'package mono\n\nconst V = 3\n' }, 'untagged', at(5));
    // Two unrelated branches with history of their own.
    const lost: string[] = [];
    for (const b of ['attic', 'experiment']) {
      await git.git(work, ['checkout', '-q', '-b', b, base]);
      await git.commit(work, { [`${b}.dat`]: `${b} data\n`.repeat(100) }, `${b} 1`, at(6));
      lost.push(await git.git(work, ['rev-parse', `HEAD:${b}.dat`]));
      lost.push(await git.git(work, ['rev-parse', 'HEAD']));
      await git.commit(work, { [`${b}.txt`]: `${b}\n` }, `${b} 2`, at(7));
    }
    await git.git(work, ['checkout', '-q', 'main']);
    // The served copies: an intact one, and one without those branches' first commit and blob
    // (their tips stay, so the branches are still advertised).
    const intact = join(git.srv, 'intact.git');
    const mono = join(git.srv, 'mono.git');
    for (const dir of [intact, mono]) {
      await cp(join(work, '.git'), dir, { recursive: true });
      await git.git(dir, ['config', 'core.bare', 'true']);
    }
    for (const oid of lost) {
      await rm(join(mono, 'objects', oid.slice(0, 2), oid.slice(2)));
    }
    assert.deepEqual(await readdir(join(mono, 'objects', 'pack')), [], 'all objects loose');
    await assert.rejects(git.git(mono, ['rev-list', '--objects', '--all']), 'the copy is broken');

    const port = await git.startDaemon();
    fixture = await FixtureProxy.create([]);
    modgate = await startModgate({
      upstream: fixture.url,
      private: 'example.com',
      settings: {
        'direct.rewrites': `example.com/*=git://127.0.0.1:${port}/*`,
        'direct.insecure': 'example.com',
      },
    });
    go = await GoSandbox.create();
    const config = async (name: string, text: string): Promise<Record<string, string>> => {
      const file = join(go.root, name);
      await writeFile(file, text);
      return {
        GOPRIVATE: '*',
        GIT_CONFIG_GLOBAL: file,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_ALLOW_PROTOCOL: 'git',
      };
    };
    directEnv = await config(
      'gitconfig',
      `[url "git://127.0.0.1:${port}/"]\n\tinsteadOf = git://example.com/\n`,
    );
    intactEnv = await config(
      'gitconfig-intact',
      `[url "git://127.0.0.1:${port}/intact"]\n\tinsteadOf = git://example.com/mono\n`,
    );
  });
  after(async () => {
    await modgate?.stop();
    await fixture?.close();
    await go?.cleanup();
    await git?.close();
  });

  /** The go command with an empty module cache, in direct mode (env) or through modgate. */
  async function run(args: string[], env?: Record<string, string>): Promise<GoResult> {
    await go.clearModCache();
    const dir = await go.newModule('example.com/app');
    return go.run(
      args,
      env ? { proxy: 'direct', cwd: dir, env } : { proxy: modgate.url, cwd: dir },
    );
  }

  /** `go mod download -json` output reduced to what must agree (no local file paths). */
  function downloads(r: GoResult): string[] {
    assert.equal(r.code, 0, r.stderr);
    return r.stdout
      .split(/\n(?=\{)/)
      .filter((s) => s.trim() !== '')
      .map((s) => {
        const d = JSON.parse(s) as Record<string, string>;
        return [d.Path, d.Version, d.Query ?? '', d.Sum, d.GoModSum].join(' ');
      });
  }

  test('tagged versions and @latest resolve as in direct mode', async () => {
    const queries = [
      `${M}@v1.0.0`,
      `${M}@v1.1.0`,
      `${M}@latest`,
      `${SUB}@v1.0.0`,
      `${SUB}@v1.0.1`,
      `${SUB}@latest`,
    ];
    const want = downloads(await run(['mod', 'download', '-json', ...queries], directEnv));
    assert.equal(want.length, queries.length);
    const got = downloads(await run(['mod', 'download', '-json', ...queries]));
    assert.deepEqual(got, want);
  });

  test('lists and @latest queries resolve as in direct mode', async () => {
    const args = ['list', '-m', '-versions', M, SUB];
    const want = await run(args, directEnv);
    assert.equal(want.code, 0, want.stderr);
    assert.match(want.stdout, /v1\.0\.0 v1\.1\.0/);
    const got = await run(args);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, want.stdout);
    const latest = ['list', '-m', `${M}@latest`, `${SUB}@latest`];
    const wantLatest = await run(latest, directEnv);
    assert.equal(wantLatest.code, 0, wantLatest.stderr);
    assert.equal((await run(latest)).stdout, wantLatest.stdout);
  });

  test('a pseudo-version of main resolves as the go command does on an intact copy', async () => {
    const want = await run(['list', '-m', `${M}@main`], intactEnv);
    assert.equal(want.code, 0, want.stderr);
    assert.match(want.stdout, /v1\.1\.1-0\.20240305100000-[0-9a-f]{12}/);
    // On the broken copy the go command's complete fetch (for the tag the pseudo-version
    // builds on) fails, and cmd/go silently leaves the base out; modgate deepens main instead.
    const direct = await run(['list', '-m', `${M}@main`], directEnv);
    assert.match(direct.stdout, /v0\.0\.0-20240305100000-[0-9a-f]{12}/);
    const got = await run(['list', '-m', `${M}@main`]);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, want.stdout);
  });
});
