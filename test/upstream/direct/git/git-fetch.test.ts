import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../../../src/errors/index.js';
import type { GitCommandEvent } from '../../../../src/upstream/direct/git/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { refusedPort } from '../../../support/net.js';
import { GitFixture } from './git-fixture.js';

// Fetch policy, caching and failure modes against git daemon.
let fx: GitFixture;
const ctx = {};

before(async () => {
  fx = await GitFixture.create();
});

after(async () => {
  await fx.close();
});

/** Records every git command; `count('fetch')` etc. */
function recorder(): { events: GitCommandEvent[]; count: (sub: string) => number } {
  const events: GitCommandEvent[] = [];
  const count = (sub: string): number =>
    events.filter((e) => e.args.filter((a) => !a.includes('=') && a !== '-c')[0] === sub).length;
  return { events, count };
}

async function simpleRepo(name: string): Promise<{ dir: string; head: string }> {
  const dir = await fx.newRepo(name);
  await fx.commit(dir, { 'go.mod': `module example.com/${name}\n` }, 'one', '2020-01-01T00:00:00Z');
  await fx.git(dir, ['tag', 'v1.0.0']);
  const head = await fx.commit(dir, { 'a.go': 'package a\n' }, 'two', '2020-01-02T00:00:00Z');
  await fx.git(dir, ['tag', 'v1.1.0']);
  return { dir, head };
}

test('incremental fetch: commits pushed after the first fetch are found', async () => {
  const { dir, head } = await simpleRepo('incr');
  const rec = recorder();
  const cache = fx.cache({ refsTtlMs: 0, observer: (e) => rec.events.push(e) });
  const host = cache.codeHost(await fx.url('incr'));
  assert.equal((await host.stat('main', ctx)).name, head);

  const second = await fx.commit(dir, { 'b.go': 'package a\n' }, 'three', '2020-01-03T00:00:00Z');
  assert.equal((await host.stat('main', ctx)).name, second, 'the moved branch is fetched');
  assert.equal((await host.stat(second, ctx)).name, second);

  // recentTag needs history: the commit's, deepened (no complete fetch).
  assert.equal(await host.recentTag(second, '', () => true, ctx), 'v1.1.0');
  const third = await fx.commit(dir, { 'c.go': 'package a\n' }, 'four', '2020-01-04T00:00:00Z');
  await fx.git(dir, ['tag', 'v1.2.0']);
  const info = await host.stat('v1.2.0', ctx);
  assert.equal(info.name, third);
  assert.equal(info.version, 'v1.2.0');
  assert.equal(await host.descendsFrom(third, 'v1.0.0', ctx), true);
  const fetches = rec.events.filter((e) => e.args.includes('fetch')).map((e) => e.args.join(' '));
  assert.ok(
    fetches.some((f) => /--depth=1 origin refs\/tags\/v1\.2\.0:/.test(f)),
    fetches.join('\n'),
  );
  assert.ok(
    fetches.some((f) => /--depth=64 origin [0-9a-f]{40}:refs\/dummy/.test(f)),
    fetches.join('\n'),
  );
  assert.ok(!fetches.some((f) => f.includes('--unshallow')), fetches.join('\n'));
  assert.ok(!fetches.some((f) => f.includes('refs/heads/*')), fetches.join('\n'));
});

/** The fetch commands recorded so far. */
function fetchesOf(rec: { events: GitCommandEvent[] }): string[] {
  return rec.events.filter((e) => e.args.includes('fetch')).map((e) => e.args.join(' '));
}

test('every tagged version is one shallow fetch of its tag, as in cmd/go', async () => {
  const { head } = await simpleRepo('second');
  const rec = recorder();
  const cache = fx.cache({ observer: (e) => rec.events.push(e) });
  const host = cache.codeHost(await fx.url('second'));
  assert.equal((await host.stat('v1.0.0', ctx)).version, 'v1.0.0');
  assert.equal(fetchesOf(rec).length, 1);
  assert.match(fetchesOf(rec)[0] ?? '', /--depth=1 origin refs\/tags\/v1\.0\.0:/);
  // The second version: its tag alone, shallow again (this was a complete fetch once).
  assert.equal((await host.stat('v1.1.0', ctx)).name, head);
  assert.equal(fetchesOf(rec).length, 2, fetchesOf(rec).join('\n'));
  assert.match(fetchesOf(rec)[1] ?? '', /--depth=1 origin refs\/tags\/v1\.1\.0:/);
  // main is at a local commit; the tag on it is local; ancestry needs the history behind it.
  assert.equal((await host.stat('main', ctx)).name, head);
  assert.equal(await host.recentTag(head, '', () => true, ctx), 'v1.1.0');
  assert.equal(fetchesOf(rec).length, 2, fetchesOf(rec).join('\n'));
  assert.equal(await host.descendsFrom(head, 'v1.0.0', ctx), true);
  assert.equal(fetchesOf(rec).length, 3, fetchesOf(rec).join('\n'));
  assert.match(fetchesOf(rec)[2] ?? '', new RegExp(`--depth=64 origin ${head}:refs/dummy`));
});

test('a hash no ref points at: the default branch deepened, then everything', async () => {
  const dir = await fx.newRepo('deepen');
  await fx.commit(dir, { 'go.mod': 'module example.com/deepen\n' }, 'one', '2020-01-01T00:00:00Z');
  await fx.git(dir, ['tag', 'v1.0.0']);
  const old = await fx.commit(dir, { 'a.go': 'package a\n' }, 'two', '2020-01-02T00:00:00Z');
  await fx.commit(dir, { 'b.go': 'package a\n' }, 'three', '2020-01-03T00:00:00Z');
  await fx.git(dir, ['checkout', '-q', '-b', 'side', 'v1.0.0']);
  const side = await fx.commit(dir, { 's.go': 'package a\n' }, 'side', '2020-01-04T00:00:00Z');
  await fx.commit(dir, { 't.go': 'package a\n' }, 'side 2', '2020-01-05T00:00:00Z');
  await fx.git(dir, ['checkout', '-q', 'main']);
  const rec = recorder();
  const host = fx.cache({ observer: (e) => rec.events.push(e) }).codeHost(await fx.url('deepen'));
  // On the default branch, behind its tip: found in its deepened history.
  const info = await host.stat(old.slice(0, 12), ctx);
  assert.equal(info.name, old);
  assert.deepEqual(fetchesOf(rec).length, 1, fetchesOf(rec).join('\n'));
  assert.match(fetchesOf(rec)[0] ?? '', /--depth=64 origin refs\/heads\/main:refs\/heads\/main/);
  assert.equal(await host.recentTag(old, '', () => true, ctx), 'v1.0.0');
  assert.equal(await host.descendsFrom(old, 'v1.0.0', ctx), true);
  assert.equal(fetchesOf(rec).length, 1, 'the deepened history answered both');
  // On another branch: the default branch's whole history does not have it; all is fetched.
  assert.equal((await host.stat(side.slice(0, 12), ctx)).name, side);
  assert.match(fetchesOf(rec).at(-1) ?? '', /refs\/heads\/\*:refs\/heads\/\*/);
});

test('a repository that disappears is not-found', async () => {
  const { dir } = await simpleRepo('vanishing');
  const cache = fx.cache({ refsTtlMs: 0 });
  const url = await fx.url('vanishing');
  const host = cache.codeHost(url);
  assert.equal((await host.tags('', ctx)).length, 2);
  await rm(dir, { recursive: true, force: true });
  await assert.rejects(host.tags('', ctx), { kind: 'not-found' });
  await assert.rejects(host.latest(ctx), { kind: 'not-found' });
  await assert.rejects(host.stat('main', ctx), { kind: 'not-found' });
  assert.equal(await cache.probe(url), false);
});

test('an unreachable host: upstream error naming the host; probe throws, not "no"', async () => {
  const port = await refusedPort(); // nothing listens there
  const cache = fx.cache();
  const url = `git://127.0.0.1:${port}/repo`;
  const check = (err: unknown): true => {
    assert.ok(err instanceof ModgateError, String(err));
    assert.equal(err.kind, 'upstream', err.message);
    assert.match(err.message, new RegExp(`cannot reach 127\\.0\\.0\\.1:${port}`));
    return true;
  };
  await assert.rejects(cache.codeHost(url).tags('', ctx), check);
  await assert.rejects(cache.probe(url), check);
});

test('a remote that never answers: ls-remote times out and git is killed', async () => {
  const sockets: Array<{ closed: boolean }> = [];
  const server = createServer((s: Socket) => {
    const entry = { closed: false };
    s.on('close', () => (entry.closed = true));
    s.on('error', () => undefined);
    s.resume(); // read, so that the peer's close is noticed
    sockets.push(entry);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fx.track(server);
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  const cache = fx.cache({ timeouts: { 'ls-remote': 400 } });
  await assert.rejects(cache.codeHost(`git://127.0.0.1:${port}/x`).tags('', ctx), (err) => {
    assert.ok(err instanceof ModgateError);
    assert.equal(err.kind, 'timeout', err.message);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    return true;
  });
  for (let i = 0; i < 100 && !sockets.every((s) => s.closed); i++) await sleep(20);
  assert.equal(sockets.length, 1);
  assert.ok(sockets[0]?.closed, 'the connection died with git');
});

test('a caller signal aborts its wait with a timeout error', async () => {
  const { head } = await simpleRepo('aborting');
  const cache = fx.cache();
  const host = cache.codeHost(await fx.url('aborting'));
  await assert.rejects(host.stat('main', { signal: AbortSignal.abort() }), { kind: 'timeout' });
  assert.equal((await host.stat('main', ctx)).name, head, 'the shared work was not spoiled');
});

test('cold cache: 10 parallel stats make one ls-remote, one repository, one fetch', async () => {
  const { head } = await simpleRepo('burst');
  const rec = recorder();
  const cache = fx.cache({ observer: (e) => rec.events.push(e) });
  const host = cache.codeHost(await fx.url('burst'));
  const infos = await Promise.all(Array.from({ length: 10 }, () => host.stat('v1.1.0', ctx)));
  for (const info of infos) assert.equal(info.name, head);
  assert.equal(rec.count('ls-remote'), 1);
  assert.equal(rec.count('init'), 1);
  assert.equal(rec.count('fetch'), 1);
  const firstFetch = rec.events.findIndex((e) => e.args.includes('fetch'));
  assert.deepEqual(
    rec.events.slice(0, firstFetch).filter((e) => e.args.includes('log')),
    [],
    'no commit looked up in a repository nothing was fetched into',
  );

  // Different revisions at once: still one repository and fetches one at a time.
  const rec2 = recorder();
  const cache2 = fx.cache({ observer: (e) => rec2.events.push(e) });
  const host2 = cache2.codeHost(await fx.url('burst'));
  const revs = ['v1.0.0', 'v1.1.0', 'main', 'HEAD', head.slice(0, 9)];
  await Promise.all([...revs, ...revs].map((r) => host2.stat(r, ctx)));
  assert.equal(rec2.count('init'), 1);
  assert.equal(rec2.count('ls-remote'), 1);
  const fetches = rec2.events
    .filter((e) => e.args.includes('fetch'))
    .map((e) => [e.startedAt, e.startedAt + e.durationMs] as const)
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < fetches.length; i++) {
    assert.ok((fetches[i]?.[0] ?? 0) >= (fetches[i - 1]?.[1] ?? 0), 'fetches never overlap');
  }
});

test('probe: yes warms the refs cache; no is remembered', async () => {
  await simpleRepo('probed');
  const rec = recorder();
  const cache = fx.cache({ observer: (e) => rec.events.push(e) });
  const url = await fx.url('probed');
  assert.equal(await cache.probe(url), true);
  assert.equal((await cache.codeHost(url).tags('v', ctx)).length, 2);
  assert.equal(rec.count('ls-remote'), 1, 'tags reused the probe');

  const missing = await fx.url('not/a/repo');
  assert.equal(await cache.probe(missing), false);
  assert.equal(await cache.probe(missing), false);
  assert.equal(rec.count('ls-remote'), 2, 'the second "no" came from the cache');
  assert.equal(rec.count('init'), 0, 'probing never creates a repository');
});

test('probe: a remembered "no" lasts probeNegativeTtlMs', async () => {
  let now = 1_000_000;
  const rec = recorder();
  const cache = fx.cache({
    observer: (e) => rec.events.push(e),
    now: () => now,
    probeNegativeTtlMs: 1000,
  });
  const missing = await fx.url('not/there');
  assert.equal(await cache.probe(missing), false);
  now += 999;
  assert.equal(await cache.probe(missing), false);
  assert.equal(rec.count('ls-remote'), 1);
  now += 1;
  assert.equal(await cache.probe(missing), false);
  assert.equal(rec.count('ls-remote'), 2, 'asked again once the answer was 1000 ms old');
});

test('commits reachable only from other refs (pull requests) are never fetched', async () => {
  const { dir } = await simpleRepo('prs');
  await fx.git(dir, ['checkout', '-q', '-b', 'pr']);
  const pr = await fx.commit(dir, { 'evil.go': 'package a\n' }, 'pr', '2020-02-01T00:00:00Z');
  await fx.git(dir, ['checkout', '-q', 'main']);
  await fx.git(dir, ['update-ref', 'refs/pull/1/head', pr]);
  await fx.git(dir, ['branch', '-D', 'pr']);
  const host = fx.cache().codeHost(await fx.url('prs'));
  await assert.rejects(host.stat(pr, ctx), { kind: 'not-found' });
  await assert.rejects(host.stat(pr.slice(0, 10), ctx), { kind: 'not-found' });
});

test('a hex prefix shared by two refs is an ambiguous revision', async () => {
  const dir = await fx.newRepo('ambiguous');
  await fx.commit(dir, { f: 'x' }, 'base', '2020-01-01T00:00:00Z');
  const tree = await fx.git(dir, ['rev-parse', 'HEAD^{tree}']);
  // Birthday search for two commit objects whose hashes share 7 hex digits (~2^14 tries).
  const seen = new Map<string, string>();
  let pair: [string, string] | undefined;
  for (let i = 0; !pair; i++) {
    const body = `tree ${tree}\nauthor A <a@a> 1577836800 +0000\ncommitter A <a@a> 1577836800 +0000\n\nn${i}\n`;
    const sha = createHash('sha1')
      .update(`commit ${Buffer.byteLength(body)}\0${body}`)
      .digest('hex');
    const other = seen.get(sha.slice(0, 7));
    if (other !== undefined) pair = [other, body];
    else seen.set(sha.slice(0, 7), body);
  }
  const hashes: string[] = [];
  for (const body of pair) {
    hashes.push(
      await fx.git(dir, ['hash-object', '-t', 'commit', '-w', '--stdin'], {}, Buffer.from(body)),
    );
  }
  await fx.git(dir, ['update-ref', 'refs/heads/a', hashes[0] ?? '']);
  await fx.git(dir, ['update-ref', 'refs/heads/b', hashes[1] ?? '']);
  const host = fx.cache().codeHost(await fx.url('ambiguous'));
  const prefix = (hashes[0] ?? '').slice(0, 7);
  await assert.rejects(host.stat(prefix, ctx), (err: unknown) => {
    assert.ok(err instanceof ModgateError);
    assert.equal(err.kind, 'not-found');
    assert.match(err.message, /ambiguous revision/);
    return true;
  });
  assert.equal((await host.stat(hashes[1] ?? '', ctx)).name, hashes[1], 'full hashes still work');
});

test('the bare repository lives under <dir>/<sha256 of URL>.git, with attributes set', async () => {
  await simpleRepo('layout');
  const cacheDir = join(fx.root, 'layout-cache');
  const cache = fx.cache({ dir: cacheDir });
  const url = await fx.url('layout');
  await cache.codeHost(url).stat('v1.0.0', ctx);
  const name = `${createHash('sha256').update(url).digest('hex')}.git`;
  const attributes = await fx.git(join(cacheDir, name), ['config', '--get', 'remote.origin.url']);
  assert.equal(attributes, url);
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(join(cacheDir, name, 'info', 'attributes'), 'utf8');
  assert.ok(text.endsWith('\n* -export-subst -export-ignore\n'));
});

test('file reads share one git cat-file --batch, which sees what later fetches bring', async () => {
  const dir = await fx.newRepo('reads');
  const c1 = await fx.commit(
    dir,
    { 'go.mod': 'module example.com/reads\n', LICENSE: 'license\n', 'sub/go.mod': 'x\n' },
    'one',
    '2020-01-01T00:00:00Z',
  );
  await fx.git(dir, ['tag', 'v1.0.0']);
  const rec = recorder();
  const cache = fx.cache({ refsTtlMs: 0, observer: (e) => rec.events.push(e) });
  const host = cache.codeHost(await fx.url('reads'));
  await host.stat('v1.0.0', ctx);
  const reads = await Promise.all([
    host.readFile(c1, 'go.mod', 1000, ctx),
    host.readFile(c1, 'LICENSE', 1000, ctx),
    host.readFile(c1, 'nothing', 1000, ctx),
    host.readFile(c1, 'sub', 1000, ctx),
    host.readFile(c1, 'sub/go.mod', 1000, ctx),
  ]);
  assert.deepEqual(
    reads.map((b) => b?.toString() ?? null),
    ['module example.com/reads\n', 'license\n', null, null, 'x\n'],
  );
  await assert.rejects(host.readFile(c1, 'go.mod', 10, ctx), { kind: 'too-large' });
  // A later version, fetched while the reader runs: its objects are found by the same reader.
  const c2 = await fx.commit(dir, { 'new.txt': 'new\n' }, 'two', '2020-01-02T00:00:00Z');
  await fx.git(dir, ['tag', 'v1.1.0']);
  await host.stat('v1.1.0', ctx);
  assert.equal((await host.readFile(c2, 'new.txt', 1000, ctx))?.toString(), 'new\n');
  cache.close();
  const catFiles = (): string[] =>
    rec.events.filter((e) => e.args.includes('cat-file')).map((e) => e.args.join(' '));
  for (let i = 0; i < 200 && catFiles().length === 0; i++) await sleep(10);
  assert.deepEqual(catFiles(), ['cat-file --batch'], 'one process for every read');
});

test('tags asked for at once come in one shallow fetch, each answered as alone', async () => {
  const dir = await fx.newRepo('batch');
  const hashes: string[] = [];
  for (let i = 0; i < 5; i++) {
    const h = await fx.commit(
      dir,
      { 'go.mod': `module example.com/batch // ${i}\n` },
      `c${i}`,
      `2020-01-0${i + 1}T00:00:00Z`,
    );
    await fx.git(dir, ['tag', `v1.0.${i}`]);
    hashes.push(h);
  }
  const rec = recorder();
  const host = fx.cache({ observer: (e) => rec.events.push(e) }).codeHost(await fx.url('batch'));
  const infos = await Promise.all([0, 1, 2, 3, 4].map((i) => host.stat(`v1.0.${i}`, ctx)));
  assert.deepEqual(
    infos.map((i) => [i.name, i.version]),
    hashes.map((h, i) => [h, `v1.0.${i}`]),
  );
  const fetches = fetchesOf(rec);
  assert.ok(fetches.length < 5, fetches.join('\n'));
  assert.ok(
    fetches.some((f) => (f.match(/refs\/tags\/v1\.0\.\d:/g) ?? []).length > 1),
    fetches.join('\n'),
  );
  assert.ok(
    fetches.every((f) => f.includes('--depth=1')),
    fetches.join('\n'),
  );
});
