import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GitFixture, collect, readZip } from './git-fixture.js';

// The git cache's bound (direct.git_cache_max_size, direct.git_cache_max_age): the least
// recently used repositories are evicted between requests, never one in use, and come back on
// the next request.
let fx: GitFixture;
const ctx = {};
const NAMES = ['r1', 'r2', 'r3', 'r4'];

before(async () => {
  // A server without partial clone: every repository then has the same size whatever was
  // read from it (a partial clone holds a version's blobs only once they were read).
  fx = await GitFixture.create({ partialClone: false });
  for (const name of NAMES) {
    const dir = await fx.newRepo(name);
    // Equal sizes; 300 KB that do not compress, so that a zip stream not read holds git up.
    const filler = `package p\n\n// ${randomBytes(225 * 1024).toString('base64')}\n`;
    await fx.commit(
      dir,
      { 'go.mod': `module example.com/${name}\n`, 'p.go': filler },
      'one',
      '2020-01-01T00:00:00Z',
    );
    await fx.git(dir, ['tag', 'v1.0.0']);
  }
});

after(async () => {
  await fx.close();
});

function repoDir(cacheDir: string, url: string): string {
  return join(cacheDir, `${createHash('sha256').update(url).digest('hex')}.git`);
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

test('with a small bound, the least recently used repositories are evicted, never one in use', async () => {
  // One repository's size, from a cache without a bound.
  const probe = fx.cache();
  await probe.codeHost(await fx.url('r1')).stat('v1.0.0', ctx);
  await probe.settled();
  const one = probe.stats().bytes;
  assert.ok(one > 0, 'the size is measured');
  assert.equal(probe.stats().repositories, 1);

  let now = 1_000_000;
  const logged: Array<Record<string, unknown>> = [];
  const log = {
    info: (f: Record<string, unknown>, m: string) => logged.push({ ...f, m }),
    warn: (f: Record<string, unknown>, m: string) => logged.push({ ...f, m }),
  };
  const cacheDir = join(fx.root, 'bounded');
  // Room for two repositories, not three.
  const cache = fx.cache({ dir: cacheDir, maxBytes: Math.floor(one * 2.5), now: () => now, log });
  const urls = await Promise.all(NAMES.map((n) => fx.url(n)));
  const [u1, u2, u3, u4] = urls as [string, string, string, string];

  // r1 stays in use: a zip stream not read yet (git archive has not exited).
  const held = await cache.codeHost(u1).archive('v1.0.0', '', 1 << 20, ctx);
  for (const u of [u2, u3]) {
    now += 1000;
    await cache.codeHost(u).stat('v1.0.0', ctx);
    await cache.settled();
  }
  // Three repositories, over the bound: r1 is the oldest but in use, so r2 went.
  assert.equal(await exists(repoDir(cacheDir, u1)), true, 'the repository in use stays');
  assert.equal(await exists(repoDir(cacheDir, u2)), false, 'the least recently used went');
  assert.equal(await exists(repoDir(cacheDir, u3)), true);
  assert.equal(cache.stats().evictions, 1);
  assert.ok(cache.stats().bytes <= one * 2.5, JSON.stringify(cache.stats()));

  // Its zip is still whole.
  now += 500;
  const files = await readZip(await collect(held));
  assert.deepEqual(files.map((f) => f.name).sort(), ['go.mod', 'p.go']);

  // r1, no longer in use, was used last: of r1 and r3, r3 goes next.
  now += 1000;
  await cache.codeHost(u4).stat('v1.0.0', ctx);
  await cache.settled();
  assert.equal(await exists(repoDir(cacheDir, u3)), false);
  assert.equal(cache.stats().evictions, 2);
  assert.equal(cache.stats().repositories, 2);

  // The next request for an evicted repository works: created and fetched again.
  now += 1000;
  const info = await cache.codeHost(u2).stat('v1.0.0', ctx);
  assert.equal(info.version, 'v1.0.0');
  const zip = await readZip(
    await collect(await cache.codeHost(u2).archive('v1.0.0', '', 1 << 20, ctx)),
  );
  assert.equal(zip.find((f) => f.name === 'go.mod')?.data.toString(), 'module example.com/r2\n');
  assert.equal(
    (await cache.codeHost(u2).readFile(info.name, 'go.mod', 1000, ctx))?.toString(),
    'module example.com/r2\n',
  );
  await cache.settled();
  assert.ok(cache.stats().bytes <= one * 2.5, JSON.stringify(cache.stats()));

  const evicted = logged.filter((l) => l.m === 'git cache: evicted a repository');
  assert.ok(evicted.length >= 3, JSON.stringify(logged));
  assert.equal(evicted[0]?.repository, u2);
  assert.equal(evicted[0]?.reason, 'max_size');
  assert.equal(typeof evicted[0]?.cacheBytes, 'number');
  // Nothing is left behind on disk but the repositories kept (removal runs behind).
  const stats = cache.stats();
  assert.ok((stats.commands['fetch ok'] ?? 0) >= 4, JSON.stringify(stats.commands));
  assert.equal(stats.commands['archive ok'], 2);
});

test('repositories unused for longer than the age bound are evicted; a new process sees the old ones', async () => {
  let now = 5_000_000;
  const cacheDir = join(fx.root, 'aged');
  const cache = fx.cache({ dir: cacheDir, maxAgeMs: 60_000, now: () => now });
  const [u1, u2] = [await fx.url('r1'), await fx.url('r2')];
  await cache.codeHost(u1).stat('v1.0.0', ctx);
  await cache.settled();
  now += 60_001;
  await cache.codeHost(u2).stat('v1.0.0', ctx);
  await cache.settled();
  assert.equal(await exists(repoDir(cacheDir, u1)), false, 'aged out');
  assert.equal(await exists(repoDir(cacheDir, u2)), true);

  // Another cache on the same directory (a restart) counts what is on disk, and bounds it.
  const again = fx.cache({ dir: cacheDir, maxBytes: 1 });
  await again.codeHost(u1).stat('v1.0.0', ctx);
  await again.settled();
  // r2 (the earlier process's) went first; r1, the only one left, is over the bound too.
  assert.equal(await exists(repoDir(cacheDir, u2)), false);
  assert.equal(again.stats().evictions, 2);
  assert.equal(again.stats().repositories, 0);
  assert.equal((await again.codeHost(u1).stat('v1.0.0', ctx)).version, 'v1.0.0');
  await again.settled();
  assert.deepEqual(await readdir(cacheDir), [], 'nothing left behind');
});
