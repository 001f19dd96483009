// Two modgate replicas (the real composition root, in this process) on one disk data
// directory and one real Redis (issue 12 items 2, 3, 5): concurrent misses through both make
// one request per file at the upstream — lists, .info, .mod, small and streamed zips — a "not
// found" one replica heard is not asked again by the other, and when Redis is killed both keep
// serving (coordination_up 0, fallbacks counted), then coordinate again once it is back.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Agent, fetch } from 'undici';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { RedisServer } from '../support/redis-server.js';
import { until } from './coordination-harness.js';

const SMALL = 'example.com/rep/small';
const BIG = 'example.com/rep/big';

describe('two replicas on one storage and one Redis', () => {
  let redis: RedisServer;
  let fixture: FixtureProxy;
  let dataDir: string;
  let replicas: ModgateInstance[] = [];

  before(async () => {
    redis = await RedisServer.start();
    fixture = await FixtureProxy.create([
      { path: SMALL, version: 'v1.0.0', files: { 'a.go': 'package small\n' } },
      // Past the in-memory zip limit (1 MiB): a shared streamed download in each replica.
      { path: BIG, version: 'v1.0.0', files: { 'blob.bin': randomBytes(3 * 1024 * 1024) } },
      { path: SMALL, version: 'v1.1.0', files: { 'a.go': 'package small\n' } },
    ]);
    // Long enough for the misses of both replicas to overlap (not needed for correctness).
    fixture.zipDelayMs = 100;
    dataDir = await mkdtemp(join(tmpdir(), 'modgate-replicas-'));
    const settings = {
      'coordination.redis_url': redis.url,
      'coordination.key_prefix': 'replicated:',
      'metrics.enabled': true,
    };
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startModgate({
          upstream: fixture.url,
          dataDir,
          notFoundTtl: '1m',
          listTtl: '1m',
          settings,
        }),
      );
    }
  });
  after(async () => {
    for (const r of replicas) await r.stop();
    replicas = [];
    await rm(dataDir, { recursive: true, force: true });
    await fixture.close();
    await redis.close();
  });

  // Idle connections are not kept long: under load the first test takes many seconds, and a
  // connection idle past the server's keep-alive timeout could be reused just as the server
  // closes it (ECONNRESET; the go command retries such a request, fetch does not).
  const dispatcher = new Agent({ keepAliveTimeout: 500, keepAliveMaxTimeout: 500 });
  after(() => dispatcher.close());

  async function get(r: ModgateInstance, path: string): Promise<{ status: number; body: Buffer }> {
    const res = await fetch(`${r.url}/${path}`, { dispatcher });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  }

  test('10 concurrent misses per file through each replica → 1 upstream request per file', async () => {
    const paths = [
      `${SMALL}/@v/list`,
      `${SMALL}/@latest`,
      `${SMALL}/@v/v1.0.0.info`,
      `${SMALL}/@v/v1.0.0.mod`,
      `${SMALL}/@v/v1.0.0.zip`,
      `${BIG}/@v/v1.0.0.mod`,
      `${BIG}/@v/v1.0.0.zip`,
    ];
    const results = await Promise.all(
      paths.flatMap((path) =>
        Array.from({ length: 20 }, (_, i) =>
          get(replicas[i % 2]!, path).then((r) => ({ path, ...r })),
        ),
      ),
    );
    for (const r of results) assert.equal(r.status, 200, `${r.path}: ${r.body.toString()}`);
    for (const path of paths) {
      const bodies = new Set(
        results.filter((r) => r.path === path).map((r) => r.body.toString('base64')),
      );
      assert.equal(bodies.size, 1, `${path}: every answer the same`);
      assert.equal(
        fixture.requestsFor(`/${path}`).length,
        1,
        `${path}: ${fixture.requests.join(' ')}`,
      );
    }
  });

  test('a "not found" heard by one replica is not asked again by the other', async () => {
    const path = 'example.com/rep/missing/@v/list';
    assert.equal((await get(replicas[0]!, path)).status, 404);
    // Shared behind the answer (best effort): the other replica is asked once it is in Redis.
    const raw = new Redis(redis.url);
    try {
      await until(
        async () => (await raw.exists(`replicated:nf:${path}`)) === 1,
        'the "not found" is shared',
      );
    } finally {
      raw.disconnect();
    }
    const answer = await get(replicas[1]!, path);
    assert.equal(answer.status, 404, answer.body.toString());
    assert.match(answer.body.toString(), /not found/);
    assert.equal(fixture.requestsFor(`/${path}`).length, 1);
  });

  test('Redis killed → both keep serving and count it; back → coordinated again', async () => {
    await redis.kill();
    const metrics = async (r: ModgateInstance): Promise<string> =>
      (await get(r, 'metrics')).body.toString();
    await until(
      async () =>
        (await Promise.all(replicas.map(metrics))).every((m) =>
          /^modgate_coordination_up 0$/m.test(m),
        ),
      'both replicas see Redis gone',
    );
    const info = `${SMALL}/@v/v1.1.0.info`;
    const answers = await Promise.all(replicas.map((r) => get(r, info)));
    for (const a of answers) assert.equal(a.status, 200, a.body.toString());
    assert.ok(fixture.requestsFor(`/${info}`).length >= 1);
    const fallbacks = (m: string): number =>
      Number(
        /modgate_coordination_fallbacks_total\{reason="unavailable"\} (\d+)/.exec(m)?.[1] ?? 'NaN',
      );
    const counted = await Promise.all(replicas.map(async (r) => fallbacks(await metrics(r))));
    assert.ok(
      counted.every((n) => n >= 1),
      `fallbacks counted: ${counted.join(', ')}`,
    );

    await redis.restart();
    await until(
      async () =>
        (await Promise.all(replicas.map(metrics))).every((m) =>
          /^modgate_coordination_up 1$/m.test(m),
        ),
      'both replicas see Redis back',
      60_000,
    );
    const mod = `${SMALL}/@v/v1.1.0.mod`;
    const again = await Promise.all(
      Array.from({ length: 10 }, (_, i) => get(replicas[i % 2]!, mod)),
    );
    for (const a of again) assert.equal(a.status, 200, a.body.toString());
    const after = await Promise.all(replicas.map(async (r) => fallbacks(await metrics(r))));
    assert.equal(
      fixture.requestsFor(`/${mod}`).length,
      1,
      `coordinated again (fallbacks before ${counted.join(', ')}, after ${after.join(', ')})`,
    );
  });
});
