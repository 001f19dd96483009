import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BareRepo } from '../../../../src/upstream/direct/git/bare-repo.js';
import { GitFetcher } from '../../../../src/upstream/direct/git/git-fetcher.js';
import type { GitRemote } from '../../../../src/upstream/direct/git/git-remote.js';
import type { GitRunner } from '../../../../src/upstream/direct/git/git-runner.js';
import type { GitCommandEvent } from '../../../../src/upstream/direct/git/index.js';
import { GitFixture } from './git-fixture.js';

// Partial clone (issue 16): against a server that serves it (protocol v2, filters allowed),
// fetches leave blobs out and reads fetch the blobs they need by id, in batches; against one
// that does not (no filters, or protocol v0), fetches are whole as before.
let fx: GitFixture;
let plain: GitFixture;
const ctx = {};

before(async () => {
  fx = await GitFixture.create();
  plain = await GitFixture.create({ partialClone: false });
  for (const f of [fx, plain]) {
    const dir = await f.newRepo('mono');
    await f.commit(
      dir,
      {
        'go.mod': 'module example.com/mono\n',
        'root.go': 'package mono\n',
        'a/go.mod': 'module example.com/mono/a\n',
        'a/a.go': 'package a\n',
        'a/data/x.txt': 'x\n',
        'b/go.mod': 'module example.com/mono/b\n',
        'b/big.bin': Buffer.alloc(100_000, 7),
      },
      'one',
      '2020-01-01T00:00:00Z',
    );
    for (const t of ['v1.0.0', 'a/v1.0.0', 'b/v1.0.0']) await f.git(dir, ['tag', t]);
  }
});

after(async () => {
  await fx.close();
  await plain.close();
});

function fetchesOf(events: GitCommandEvent[]): string[] {
  return events.filter((e) => e.args.includes('fetch')).map((e) => e.args.join(' '));
}

/** The objects under `name` (`<commit>:<dir>`) the cache's repository lacks. */
async function missing(f: GitFixture, cacheDir: string, url: string, name: string) {
  const repo = join(cacheDir, `${createHash('sha256').update(url).digest('hex')}.git`);
  const out = await f.git(repo, ['rev-list', '--objects', '--missing=print', name]);
  return out.split('\n').filter((l) => l.startsWith('?')).length;
}

test('partial clone: a tag without blobs; a module go.mod brings its directory; the zip needs no more', async () => {
  const events: GitCommandEvent[] = [];
  const cacheDir = join(fx.root, 'partial-cache');
  const cache = fx.cache({ dir: cacheDir, observer: (e) => events.push(e) });
  const url = await fx.url('mono');
  const host = cache.codeHost(url);

  const info = await host.stat('a/v1.0.0', ctx);
  const count = (cmd: string): number => events.filter((e) => e.args.includes(cmd)).length;
  const logs = count('log');
  // The other tags on the commit came with it (named, instead of git's tag following).
  assert.deepEqual(info.tags, ['a/v1.0.0', 'b/v1.0.0', 'v1.0.0']);
  const [first] = fetchesOf(events);
  assert.match(
    first ?? '',
    // Without blobs, without negotiation too (no rounds of `have` lines).
    /negotiationAlgorithm=noop fetch -f --filter=blob:none --no-tags --depth=1 origin refs\/tags\/a\/v1\.0\.0:/,
  );
  assert.ok(first?.includes('refs/tags/b/v1.0.0:refs/tags/b/v1.0.0'), first);
  assert.equal(await missing(fx, cacheDir, url, `${info.name}^{tree}`), 7, 'no blob yet');
  // No promisor in the repository's config: a local command never fetches what it misses.
  const repo = join(cacheDir, `${createHash('sha256').update(url).digest('hex')}.git`);
  await assert.rejects(fx.git(repo, ['config', '--get-regexp', 'promisor']));
  await assert.rejects(fx.git(repo, ['cat-file', '-p', `${info.name}:b/go.mod`]));
  assert.equal(fetchesOf(events).length, 1);

  assert.equal(
    (await host.readFile(info.name, 'a/go.mod', 1000, ctx))?.toString(),
    'module example.com/mono/a\n',
  );
  assert.equal(fetchesOf(events).length, 2, fetchesOf(events).join('\n'));
  assert.match(fetchesOf(events)[1] ?? '', /fetch\.negotiationAlgorithm=noop fetch --no-tags/);
  assert.equal(await missing(fx, cacheDir, url, `${info.name}:a`), 0, 'the module directory');
  assert.equal(await missing(fx, cacheDir, url, `${info.name}:b`), 2, 'nothing of b');

  // The reads by hash reuse the tag's answer (no git log), and the zip's directory is known
  // to be whole (no second look).
  const revLists = count('rev-list');
  const files = (await host.treeFiles(info.name, 'a', ctx)) ?? [];
  assert.equal(count('log'), logs);
  assert.equal(count('rev-list'), revLists);
  const contents = await Promise.all(files.map(async (f) => (await f.open()).toString()));
  assert.deepEqual(contents.sort(), ['module example.com/mono/a\n', 'package a\n', 'x\n']);
  assert.equal(fetchesOf(events).length, 2, 'the zip needed no fetch');

  // The root go.mod alone (a version list's read), and a file that is not there.
  assert.ok((await host.readFile(info.name, 'go.mod', 1000, ctx)) !== null);
  assert.equal(await host.readFile(info.name, 'nothing.go', 1000, ctx), null);
  assert.equal(fetchesOf(events).length, 3);
  assert.equal(await missing(fx, cacheDir, url, `${info.name}^{tree}`), 3, 'root.go, b/*');

  // git archive (the fallback for big trees) gets the blobs first.
  const zip = await host.archive(info.name, 'b', 1 << 20, ctx);
  let bytes = 0;
  for await (const chunk of zip) bytes += (chunk as Buffer).length;
  assert.ok(bytes > 0);
  assert.equal(await missing(fx, cacheDir, url, `${info.name}:b`), 0);
});

test('no partial clone where the server refuses filters, or speaks protocol v0', async () => {
  const noFilter: GitCommandEvent[] = [];
  const h1 = plain.cache({ observer: (e) => noFilter.push(e) }).codeHost(await plain.url('mono'));
  const v0: GitCommandEvent[] = [];
  const h2 = fx
    .cache({
      observer: (e) => v0.push(e),
      env: {
        ...fx.env,
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'protocol.version',
        GIT_CONFIG_VALUE_0: '0',
      },
    })
    .codeHost(await fx.url('mono'));
  for (const [host, events] of [
    [h1, noFilter],
    [h2, v0],
  ] as const) {
    const info = await host.stat('a/v1.0.0', ctx);
    assert.ok((await host.readFile(info.name, 'a/go.mod', 1000, ctx)) !== null);
    assert.ok((await host.readFile(info.name, 'b/big.bin', 1 << 20, ctx)) !== null);
    const fetches = fetchesOf(events);
    assert.equal(fetches.length, 1, fetches.join('\n'));
    assert.ok(!fetches.some((f) => f.includes('--filter')), fetches.join('\n'));
    // Negotiation spares whole files there.
    assert.ok(!fetches.some((f) => f.includes('noop')), fetches.join('\n'));
  }
});

test('no maintenance after each fetch: gc --auto every 32 fetches', async () => {
  const dir = await fx.newRepo('many');
  for (let i = 0; i < 33; i++) {
    await fx.commit(
      dir,
      { 'go.mod': `module example.com/many // ${i}\n` },
      `c${i}`,
      '2020-01-01T00:00:00Z',
    );
    await fx.git(dir, ['tag', `v1.0.${i}`]);
  }
  const events: GitCommandEvent[] = [];
  const host = fx.cache({ observer: (e) => events.push(e) }).codeHost(await fx.url('many'));
  for (let i = 0; i < 33; i++) await host.stat(`v1.0.${i}`, ctx);
  const fetches = fetchesOf(events);
  assert.equal(fetches.length, 33);
  assert.ok(
    fetches.every((f) => f.includes('maintenance.auto=false')),
    fetches[0],
  );
  const gcs = events.filter((e) => e.args.includes('gc')).map((e) => e.args.join(' '));
  assert.equal(gcs.length, 1, gcs.join('\n'));
  assert.match(gcs[0] ?? '', /gc --auto/);
});

test('partial clone: blob fetches run beside a fetch of refs (no write lock)', async () => {
  const events: GitCommandEvent[] = [];
  const cacheDir = join(fx.root, 'beside-cache');
  const host = fx
    .cache({ dir: cacheDir, observer: (e) => events.push(e) })
    .codeHost(await fx.url('mono'));
  const info = await host.stat('a/v1.0.0', ctx);
  // A fetch of refs holds the repository's write lock; the read's blob fetch must not wait for
  // it (before: it queued behind the lock, so this read never ended while the lock was held).
  const { repo } = host as unknown as { repo: BareRepo };
  const release = await repo.lock.write();
  try {
    const read = host.readFile(info.name, 'a/go.mod', 1000, ctx);
    const bound = new Promise<'blocked'>((r) => {
      const t = setTimeout(() => r('blocked'), 120_000);
      void read.finally(() => clearTimeout(t));
    });
    const got = await Promise.race([read, bound]);
    assert.notEqual(got, 'blocked', 'the blob fetch waited for the write lock');
    assert.equal(got?.toString(), 'module example.com/mono/a\n');
    assert.ok(repo.lock.isWriteLocked);
  } finally {
    release();
  }
  assert.equal(fetchesOf(events).length, 2, fetchesOf(events).join('\n'));
});

test('gc --auto waits for the blob fetches under way, and blob fetches wait for it', async () => {
  // A fake runner: fetches of blobs end when the test says so; everything else at once.
  const calls: string[] = [];
  let endBlobFetch: (() => void) | undefined;
  const runner = {
    run(args: readonly string[]) {
      const text = args.join(' ');
      calls.push(text.includes('gc --auto') ? 'gc' : text.includes('noop') ? 'blobs' : 'refs');
      const out = { stdout: Buffer.alloc(0), stderr: '' };
      if (text.includes('noop')) return new Promise((r) => (endBlobFetch = () => r(out)));
      return Promise.resolve(out);
    },
  } as unknown as GitRunner;
  const repo = { dir: '/nonexistent', partial: true, complete: true } as unknown as BareRepo;
  const remote = { host: 'example.com', url: 'https://example.com/r' } as unknown as GitRemote;
  const fetcher = new GitFetcher(remote, repo, runner, () => true);
  for (let i = 0; i < 31; i++) await fetcher.fetchOne('refs/heads/main', 'a'.repeat(40), new Map());
  const blobs = fetcher.fetchBlobs(['b'.repeat(40)]);
  assert.equal(calls.at(-1), 'blobs');
  // The 33rd fetch makes gc due: it must wait for the blob fetch under way.
  let refsDone = false;
  const refs = fetcher
    .fetchOne('refs/heads/main', 'a'.repeat(40), new Map())
    .then(() => (refsDone = true));
  for (let i = 0; i < 20; i++) await Promise.resolve();
  assert.ok(!calls.includes('gc'), calls.join(' '));
  assert.ok(!refsDone);
  endBlobFetch?.();
  await blobs;
  await refs;
  assert.equal(calls.filter((c) => c === 'gc').length, 1);
  assert.equal(calls.at(-1), 'gc');
});

test('partial clone: where the server refuses blobs by id (v0 since), the commit comes whole instead', async () => {
  const cacheDir = join(fx.root, 'refused-cache');
  const url = await fx.url('mono');
  const first = fx.cache({ dir: cacheDir });
  const info = await first.codeHost(url).stat('a/v1.0.0', ctx);
  first.close();
  assert.equal(await missing(fx, cacheDir, url, `${info.name}^{tree}`), 7, 'no blob yet');
  // The same cache, later, in a process whose git speaks protocol v0 (as over ssh without
  // GIT_PROTOCOL): v0's upload-pack refuses objects it did not advertise.
  const events: GitCommandEvent[] = [];
  const host = fx
    .cache({
      dir: cacheDir,
      observer: (e) => events.push(e),
      env: {
        ...fx.env,
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'protocol.version',
        GIT_CONFIG_VALUE_0: '0',
      },
    })
    .codeHost(url);
  assert.equal(
    (await host.readFile(info.name, 'a/go.mod', 1000, ctx))?.toString(),
    'module example.com/mono/a\n',
  );
  const fetches = events.filter((e) => e.args.includes('fetch'));
  assert.equal(fetches.length, 2, fetches.map((e) => e.args.join(' ')).join('\n'));
  assert.match(fetches[0]?.args.join(' ') ?? '', /negotiationAlgorithm=noop fetch/);
  assert.equal(fetches[0]?.failure, 'exit', 'refused');
  assert.match(fetches[1]?.args.join(' ') ?? '', /--depth=1 origin refs\/tags\/a\/v1\.0\.0:/);
  assert.ok(!(fetches[1]?.args.includes('--filter=blob:none') ?? true));
  assert.equal(await missing(fx, cacheDir, url, `${info.name}^{tree}`), 0, 'the whole tree');
  const files = (await host.treeFiles(info.name, 'a', ctx)) ?? [];
  assert.equal(files.length, 3);
  assert.equal(events.filter((e) => e.args.includes('fetch')).length, 2, 'nothing more');
});

test("a server's partial-clone capability is looked at again after 10 minutes", async () => {
  const dir = await plain.newRepo('toggle');
  for (const [i, t] of ['v1.0.0', 'v1.0.1', 'v1.0.2', 'v1.0.3'].entries()) {
    await plain.commit(
      dir,
      { 'go.mod': `module example.com/toggle // ${i}\n` },
      t,
      '2020-01-01T00:00:00Z',
    );
    await plain.git(dir, ['tag', t]);
  }
  let clock = 1_000_000;
  const events: GitCommandEvent[] = [];
  const host = plain
    .cache({ now: () => clock, refsTtlMs: 1000, observer: (e) => events.push(e) })
    .codeHost(await plain.url('toggle'));
  const lastFetch = (): string =>
    events
      .filter((e) => e.args.includes('fetch'))
      .at(-1)
      ?.args.join(' ') ?? '';
  await host.stat('v1.0.0', ctx);
  assert.ok(!lastFetch().includes('--filter'), lastFetch());
  // The server starts serving filters: seen at the next look at its capabilities, not sooner.
  await plain.git(dir, ['config', 'uploadpack.allowFilter', 'true']);
  clock += 60_000;
  await host.stat('v1.0.1', ctx);
  assert.ok(!lastFetch().includes('--filter'), lastFetch());
  clock += 10 * 60_000;
  await host.stat('v1.0.2', ctx);
  assert.match(lastFetch(), /--filter=blob:none/);
  // And stops: a repository that became partial stays so (its older commits lack blobs);
  // the server ignores the filter and sends whole trees, which read as before.
  await plain.git(dir, ['config', 'uploadpack.allowFilter', 'false']);
  clock += 10 * 60_000;
  const info = await host.stat('v1.0.3', ctx);
  assert.match(lastFetch(), /--filter=blob:none/);
  assert.equal(
    (await host.readFile(info.name, 'go.mod', 1000, ctx))?.toString(),
    'module example.com/toggle // 3\n',
  );
});
