import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { listFiles, listModuleFiles } from '../support/list-files.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { rawRequest } from '../support/raw-request.js';
import { refusedPort } from '../support/net.js';
import { GitFixture } from '../upstream/direct/git/git-fixture.js';

/**
 * Bad remotes behind modgate's direct fetching, seen by the real go command (GOPROXY=modgate,
 * no credentials, no git access): a repository that disappears, a tag moved to another
 * commit (with the git cache kept, and lost across a restart), content over the configured
 * limits, an unreachable host. Each gives a clear error
 * naming the host (never a credential) and stores nothing wrong; what was stored before stays
 * served unchanged.
 */
describe('modgate serve: bad git remotes, seen by the go command', () => {
  const SECRET = 's3cr3t-t0ken-do-not-log';
  let git: GitFixture;
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  let go: GoSandbox;
  let deadPort: number;
  let daemonPort: number;

  /** A one-file module at `git.corp.example/<name>`, tags v1.0.0 and v1.1.0. */
  async function twoReleases(name: string): Promise<{ dir: string; v1: string; v2: string }> {
    const dir = await git.newRepo(name);
    const goMod = `module git.corp.example/${name}\n\ngo 1.16\n`;
    const v1 = await git.commit(
      dir,
      { 'go.mod': goMod, 'a.go': 'package a\n\nconst V = 1\n' },
      'one',
      '2024-03-01T10:00:00Z',
    );
    await git.git(dir, ['tag', 'v1.0.0']);
    const v2 = await git.commit(
      dir,
      { 'a.go': 'package a\n\nconst V = 2\n' },
      'two',
      '2024-03-02T10:00:00Z',
    );
    await git.git(dir, ['tag', 'v1.1.0']);
    return { dir, v1, v2 };
  }

  /** `go mod download -json` through modgate with an empty module cache. */
  async function download(
    query: string,
  ): Promise<{ code: number; json: Record<string, string>; stderr: string }> {
    await go.clearModCache();
    const r = await go.run(['mod', 'download', '-json', query], { proxy: modgate.url });
    return {
      code: r.code,
      json: JSON.parse(r.stdout || '{}') as Record<string, string>,
      stderr: r.stderr,
    };
  }

  before(async () => {
    git = await GitFixture.create();
    const port = await git.startDaemon();
    daemonPort = port;
    deadPort = await refusedPort(); // nothing listens there
    fixture = await FixtureProxy.create([]);
    modgate = await startModgate({
      upstream: fixture.url,
      private: 'git.corp.example,dead.example',
      maxZipSize: '1MiB',
      settings: {
        'limits.max_mod_size': '4KiB',
        'direct.rewrites': [
          `git.corp.example/*=git://127.0.0.1:${port}/*`,
          // Credentials in a rewrite URL: they must never show up in an answer.
          `dead.example/*=http://ci-bot:${SECRET}@127.0.0.1:${deadPort}/*`,
        ],
        'direct.insecure': 'git.corp.example,dead.example',
      },
    });
    go = await GoSandbox.create();
    await go.newModule('example.com/app');
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
    await git.close();
    await go.cleanup();
  });
  beforeEach(async () => {
    await go.clearModCache();
  });

  test('a repository that disappears: stored versions still served, new ones a clear error', async (t) => {
    const { dir } = await twoReleases('vanishing');
    const first = await download('git.corp.example/vanishing@v1.0.0');
    assert.equal(first.code, 0, first.stderr);

    await rm(dir, { recursive: true, force: true });
    const stored = await listModuleFiles(modgate.dataDir);

    const again = await download('git.corp.example/vanishing@v1.0.0');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.json.Sum, first.json.Sum);
    assert.equal(again.json.GoModSum, first.json.GoModSum);

    // v1.1.0 existed, but was never fetched: now there is nothing to fetch it from.
    const gone = await download('git.corp.example/vanishing@v1.1.0');
    assert.notEqual(gone.code, 0);
    t.diagnostic(gone.json.Error ?? gone.stderr);
    assert.match(gone.json.Error ?? gone.stderr, /git\.corp\.example\/vanishing@v1\.1\.0/);
    assert.match(gone.json.Error ?? gone.stderr, /127\.0\.0\.1:\d+/, 'names the git host');
    const res = await rawRequest(modgate.url, '/git.corp.example/vanishing/@v/v1.1.0.info');
    assert.ok([404, 410, 502].includes(res.status), `${res.status} ${res.body.toString()}`);
    assert.deepEqual(await listModuleFiles(modgate.dataDir), stored, 'nothing new stored');
  });

  test('a tag moved to another commit: the stored version keeps its content and h1', async () => {
    const { dir, v2 } = await twoReleases('moving');
    const first = await download('git.corp.example/moving@v1.0.0');
    assert.equal(first.code, 0, first.stderr);
    // A second module whose .info alone was served before the move (go list -m).
    const other = await twoReleases('moving2');
    const listed = await go.run(['list', '-m', '-json', 'git.corp.example/moving2@v1.0.0'], {
      proxy: modgate.url,
    });
    assert.equal(listed.code, 0, listed.stderr);

    await git.git(dir, ['tag', '-f', 'v1.0.0', v2]);
    await git.git(other.dir, ['tag', '-f', 'v1.0.0', other.v2]);

    const again = await download('git.corp.example/moving@v1.0.0');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.json.Sum, first.json.Sum, 'same zip h1 as first served');
    assert.equal(again.json.GoModSum, first.json.GoModSum);
    assert.match(await readFile(join(again.json.Dir ?? '', 'a.go'), 'utf8'), /const V = 1/);

    // The zip of moving2 is fetched only now: it must match the .info served before the move.
    const late = await download('git.corp.example/moving2@v1.0.0');
    assert.equal(late.code, 0, late.stderr);
    assert.match(await readFile(join(late.json.Dir ?? '', 'a.go'), 'utf8'), /const V = 1/);
    const info = JSON.parse(await readFile(late.json.Info ?? '', 'utf8')) as {
      Origin?: { Hash?: string };
    };
    assert.equal(info.Origin?.Hash, other.v1);
  });

  test('a tag moved after the git cache was lost: .mod and .zip from the stored commit or refused', async (t) => {
    // .info stored, then modgate restarts on the same data directory without its git cache
    // (e.g. the cache lived on local disk, the storage elsewhere) and the tag has moved: the
    // repository now says v1.0.0 is another commit than the stored .info records.
    const moved = await twoReleases('lost');
    const steady = await twoReleases('lost-steady');
    const dataDir = await mkdtemp(join(tmpdir(), 'modgate-data-'));
    const servers: Array<{ stop(): Promise<void> }> = [];
    // Instances one after another on the same data directory (a restart).
    const start = async (): Promise<string> => {
      const mg = await startModgate({
        upstream: fixture.url,
        private: 'git.corp.example',
        dataDir,
        settings: {
          'direct.rewrites': [`git.corp.example/*=git://127.0.0.1:${daemonPort}/*`],
          'direct.insecure': 'git.corp.example',
        },
      });
      servers.push(mg);
      return mg.url;
    };
    try {
      const first = await start();
      const infos = new Map<string, string>();
      for (const name of ['lost', 'lost-steady']) {
        const res = await rawRequest(first, `/git.corp.example/${name}/@v/v1.0.0.info`);
        assert.equal(res.status, 200, res.body.toString());
        infos.set(name, res.body.toString());
      }
      const hashOf = (name: string): string | undefined =>
        (JSON.parse(infos.get(name) ?? '{}') as { Origin?: { Hash?: string } }).Origin?.Hash;
      assert.equal(hashOf('lost'), moved.v1);
      assert.equal(hashOf('lost-steady'), steady.v1);
      await servers.pop()?.stop();

      await git.git(moved.dir, ['tag', '-f', 'v1.0.0', moved.v2]);
      await rm(join(dataDir, '.git-cache'), { recursive: true, force: true });
      const url = await start();

      // The tag that did not move: a lost git cache alone changes nothing.
      await go.clearModCache();
      const ok = await go.run(['mod', 'download', '-json', 'git.corp.example/lost-steady@v1.0.0'], {
        proxy: url,
      });
      assert.equal(ok.code, 0, ok.stderr);
      const okJson = JSON.parse(ok.stdout) as Record<string, string>;
      assert.match(await readFile(join(okJson.Dir ?? '', 'a.go'), 'utf8'), /const V = 1/);

      // The moved tag: refused, naming both commits; the stored .info is kept as it was.
      const want = new RegExp(
        `tag v1\\.0\\.0 moved from ${moved.v1} to ${moved.v2}; the stored version is kept`,
      );
      for (const file of ['mod', 'zip']) {
        const res = await rawRequest(url, `/git.corp.example/lost/@v/v1.0.0.${file}`);
        assert.equal(res.status, 502, `${file}: ${res.status} ${res.body.toString()}`);
        assert.match(res.body.toString(), want);
      }
      await go.clearModCache();
      const refused = await go.run(['mod', 'download', '-json', 'git.corp.example/lost@v1.0.0'], {
        proxy: url,
      });
      assert.notEqual(refused.code, 0);
      t.diagnostic(refused.stdout + refused.stderr);
      assert.match(refused.stdout + refused.stderr, want);
      const info = await rawRequest(url, '/git.corp.example/lost/@v/v1.0.0.info');
      assert.equal(info.body.toString(), infos.get('lost'));
      const stored = (await listFiles(dataDir)).filter((f) => f.includes('lost/@v/v1.0.0.'));
      assert.deepEqual(
        stored.map((f) => f.slice(f.lastIndexOf('.'))),
        ['.info'],
        `nothing but the .info stored: ${stored.join(' ')}`,
      );
    } finally {
      for (const app of servers) await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('a zip over limits.max_zip_size: clear error naming the limit, nothing stored', async (t) => {
    const dir = await git.newRepo('huge');
    await git.commit(
      dir,
      {
        'go.mod': 'module git.corp.example/huge\n\ngo 1.16\n',
        'blob.bin': randomBytes(2 * 1024 * 1024), // incompressible: the zip is > 2 MiB
      },
      'big',
      '2024-03-01T10:00:00Z',
    );
    await git.git(dir, ['tag', 'v1.0.0']);
    const before = await listModuleFiles(modgate.dataDir);
    const r = await download('git.corp.example/huge@v1.0.0');
    assert.notEqual(r.code, 0);
    const message = r.json.Error ?? r.stderr;
    t.diagnostic(message);
    assert.match(message, /1048576|1 ?MiB/, `names the limit: ${message}`);
    const res = await rawRequest(modgate.url, '/git.corp.example/huge/@v/v1.0.0.zip');
    assert.ok(res.status >= 400, String(res.status));
    assert.match(res.body.toString(), /limits\.max_zip_size|1048576|1 ?MiB/);
    const after = await listModuleFiles(modgate.dataDir);
    assert.deepEqual(
      after.filter((f) => f.endsWith('.zip') && !before.includes(f)),
      [],
      'no zip stored',
    );
  });

  test('a go.mod over limits.max_mod_size: clear error naming the limit, nothing stored', async (t) => {
    const dir = await git.newRepo('bigmod');
    await git.commit(
      dir,
      {
        'go.mod': `module git.corp.example/bigmod\n\ngo 1.16\n${'// padding\n'.repeat(600)}`,
        'a.go': 'package a\n',
      },
      'big go.mod',
      '2024-03-01T10:00:00Z',
    );
    await git.git(dir, ['tag', 'v1.0.0']);
    const before = await listModuleFiles(modgate.dataDir);
    const res = await rawRequest(modgate.url, '/git.corp.example/bigmod/@v/v1.0.0.mod');
    assert.ok(res.status >= 400, String(res.status));
    t.diagnostic(res.body.toString());
    assert.match(res.body.toString(), /limits\.max_mod_size|4096|4 ?KiB/, res.body.toString());
    const after = await listModuleFiles(modgate.dataDir);
    assert.deepEqual(
      after.filter((f) => f.includes('bigmod') && f.endsWith('.mod') && !before.includes(f)),
      [],
      'no go.mod stored',
    );
  });

  test('a path prefix without a repository: 404 from a refs probe, nothing cloned', async () => {
    const cacheDir = join(modgate.dataDir, '.git-cache');
    const before = await readdir(cacheDir).catch(() => [] as string[]);
    for (const path of ['/git.corp.example/nosuch/@v/list', '/git.corp.example/nosuch/@latest']) {
      const res = await rawRequest(modgate.url, path);
      assert.equal(res.status, 404, `${path}: ${res.status} ${res.body.toString()}`);
      assert.match(res.body.toString(), /no git repository at git:\/\/127\.0\.0\.1:\d+\/nosuch/);
    }
    const r = await download('git.corp.example/nosuch/pkg@v1.0.0');
    assert.notEqual(r.code, 0);
    assert.deepEqual(await readdir(cacheDir).catch(() => [] as string[]), before, 'no clone');
  });

  test('an unreachable host: 502 naming the host, no credentials, nothing stored', async (t) => {
    const before = await listModuleFiles(modgate.dataDir);
    const r = await download('dead.example/lib@v1.0.0');
    assert.notEqual(r.code, 0);
    const message = r.json.Error ?? r.stderr;
    t.diagnostic(message);
    assert.match(message, new RegExp(`127\\.0\\.0\\.1:${deadPort}`), message);
    assert.doesNotMatch(message, new RegExp(SECRET));
    for (const path of ['/dead.example/lib/@v/v1.0.0.info', '/dead.example/lib/@v/list']) {
      const res = await rawRequest(modgate.url, path);
      assert.equal(res.status, 502, `${path}: ${res.status} ${res.body.toString()}`);
      const body = res.body.toString();
      assert.match(body, new RegExp(`127\\.0\\.0\\.1:${deadPort}`), body);
      assert.doesNotMatch(body, new RegExp(SECRET), body);
      assert.doesNotMatch(body, /ci-bot/, body);
    }
    assert.deepEqual(await listModuleFiles(modgate.dataDir), before, 'nothing stored');
  });
});
