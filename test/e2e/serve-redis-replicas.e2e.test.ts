// Two real `modgate serve` processes on one disk data directory and one real Redis (issue 12
// item 2): concurrent misses spread over both make exactly one request per file at the fixture
// upstream, and both answer the same bytes. (The 3-replica suite on S3 is
// serve-replicas*.e2e.test.ts; this one is the small check of the coordination itself.)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { ModgateProcess } from '../support/modgate-process.js';
import { RedisServer } from '../support/redis-server.js';

const M = 'example.com/twoproc';

test('2 serve processes + Redis: 30 concurrent misses per file → 1 upstream request', async () => {
  const redis = await RedisServer.start();
  const fixture = await FixtureProxy.create([
    { path: M, version: 'v1.0.0', files: { 'blob.bin': randomBytes(2 * 1024 * 1024) } },
  ]);
  fixture.zipDelayMs = 200; // the misses overlap (the count holds either way)
  const dataDir = await mkdtemp(join(tmpdir(), 'modgate-2proc-'));
  const procs: ModgateProcess[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      procs.push(
        await ModgateProcess.start({
          upstream: fixture.url,
          dataDir,
          settings: { coordination: { redis_url: redis.url } },
        }),
      );
    }
    const paths = [
      `${M}/@v/list`,
      `${M}/@v/v1.0.0.info`,
      `${M}/@v/v1.0.0.mod`,
      `${M}/@v/v1.0.0.zip`,
    ];
    const answers = await Promise.all(
      paths.flatMap((path) =>
        Array.from({ length: 30 }, async (_, i) => {
          const res = await fetch(`${procs[i % 2]!.url}/${path}`);
          return { path, status: res.status, body: Buffer.from(await res.arrayBuffer()) };
        }),
      ),
    );
    for (const a of answers) assert.equal(a.status, 200, `${a.path}: ${a.body.toString()}`);
    for (const path of paths) {
      const bodies = new Set(
        answers.filter((a) => a.path === path).map((a) => a.body.toString('base64')),
      );
      assert.equal(bodies.size, 1, `${path}: the same bytes from both`);
      assert.equal(
        fixture.requestsFor(`/${path}`).length,
        1,
        `${path}: ${fixture.requests.join(' ')}`,
      );
    }
    for (const p of procs) await p.assertAlive();
  } finally {
    for (const p of procs) await p.stop();
    await rm(dataDir, { recursive: true, force: true });
    await fixture.close();
    await redis.close();
  }
});
