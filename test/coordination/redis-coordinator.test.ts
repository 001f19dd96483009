// RedisCoordinator against a real redis-server (issue 12 item 2): two coordinators are two
// replicas sharing one "storage" (a Map here; test/coordination/replicated-service.test.ts
// runs the module service itself). A miss wanted by both is fetched once; a waiter whose wait
// ends fetches itself; a dead holder's lock expires; the fetching replica's failure reaches
// the waiters; Redis killed → fallback, logged and counted once, then back → coordination.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { ModgateError } from '../../src/errors/index.js';
import type { OnceWork } from '../../src/coordination/index.js';
import { RedisServer } from '../support/redis-server.js';
import { gate, replica, until, type Replica } from './coordination-harness.js';

/** The work of a miss of `key` against a shared map standing for storage. */
function work(
  storage: Map<string, string>,
  key: string,
  fetches: { n: number },
  opts: { release?: Promise<void>; fail?: Error } = {},
): OnceWork<string> {
  return {
    lookup: () => Promise.resolve(storage.get(key)),
    fetch: async () => {
      fetches.n++;
      await opts.release;
      if (opts.fail) throw opts.fail;
      const value = `content of ${key}`;
      return {
        value,
        stored: () => {
          storage.set(key, value);
          return Promise.resolve();
        },
      };
    },
  };
}

describe('RedisCoordinator', () => {
  let redis: RedisServer;
  const replicas: Replica[] = [];
  const make = async (opts?: Parameters<typeof replica>[1]): Promise<Replica> => {
    const r = await replica(redis.url, opts);
    replicas.push(r);
    return r;
  };
  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    for (const r of replicas) await r.coordinator.close();
    await redis.close();
  });

  test('two replicas × 20 concurrent misses of one file → 1 fetch', async () => {
    const [a, b] = [await make({ keyPrefix: 't1:' }), await make({ keyPrefix: 't1:' })];
    const storage = new Map<string, string>();
    const fetches = { n: 0 };
    const release = gate();
    const calls = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? a! : b!).coordinator.once(
        'm/@v/v1.0.0.zip',
        work(storage, 'm/@v/v1.0.0.zip', fetches, { release: release.promise }),
      ),
    );
    await until(() => fetches.n === 1, 'one replica fetches');
    release.open();
    const values = await Promise.all(calls);
    assert.deepEqual(new Set(values), new Set(['content of m/@v/v1.0.0.zip']));
    assert.equal(fetches.n, 1);
    assert.deepEqual([...a!.observer.fallbacks, ...b!.observer.fallbacks], []);
  });

  test('a waiter whose wait ends fetches the file itself', async () => {
    const [a, b] = [
      await make({ keyPrefix: 't2:' }),
      await make({ keyPrefix: 't2:', waitTimeoutMs: 1000 }),
    ];
    const storage = new Map<string, string>();
    const fetches = { n: 0 };
    const stuck = gate();
    const holding = a!.coordinator.once(
      'k',
      work(storage, 'k', fetches, { release: stuck.promise }),
    );
    await until(() => fetches.n === 1, 'the first replica fetches');
    const own = await b!.coordinator.once('k', work(storage, 'k', fetches));
    assert.equal(own, 'content of k');
    assert.equal(fetches.n, 2);
    assert.deepEqual(b!.observer.fallbacks, ['wait_timeout']);
    stuck.open();
    await holding;
  });

  test("a dead holder's lock expires: another replica takes over after the lock's lifetime", async () => {
    const b = await make({ keyPrefix: 't3:', lockTtlMs: 1000 });
    // What a replica killed while fetching leaves: its lock, no longer renewed.
    const raw = new Redis(redis.url);
    try {
      assert.equal(await raw.set('t3:fetch:k', 'dead-replica', 'PX', 1000, 'NX'), 'OK');
      const storage = new Map<string, string>();
      const fetches = { n: 0 };
      const value = await b.coordinator.once('k', work(storage, 'k', fetches));
      assert.equal(value, 'content of k');
      assert.equal(fetches.n, 1);
      // Taken over after expiry, not by the end of the wait.
      assert.deepEqual(b.observer.fallbacks, []);
      await until(async () => (await raw.exists('t3:fetch:k')) === 0, 'the lock is released');
    } finally {
      raw.disconnect();
    }
  });

  test("the fetching replica's failure reaches the waiters", async () => {
    const [a, b] = [await make({ keyPrefix: 't4:' }), await make({ keyPrefix: 't4:' })];
    const storage = new Map<string, string>();
    const fetches = { n: 0 };
    const release = gate();
    const fail = new ModgateError('not-found', 'upstream says: no such version');
    const first = a!.coordinator.once(
      'k',
      work(storage, 'k', fetches, { release: release.promise, fail }),
    );
    await until(() => fetches.n === 1, 'the first replica fetches');
    const second = b!.coordinator.once('k', work(storage, 'k', fetches));
    // The waiter is waiting (it has not fetched); now the fetch fails.
    release.open();
    // Both awaited at once: the waiter may hear the failure (pub/sub) before the fetcher's own
    // promise settles (it first releases the lock), and a rejection nobody awaits yet fails the test.
    await Promise.all([
      assert.rejects(first, /no such version/),
      assert.rejects(second, (err: unknown) => {
        assert.ok(err instanceof ModgateError);
        assert.equal(err.kind, 'not-found');
        assert.match(err.message, /no such version/);
        return true;
      }),
    ]);
    assert.equal(fetches.n, 1);
  });

  test('not-found answers and list freshness are shared, with their lifetimes', async () => {
    const [a, b] = [await make({ keyPrefix: 't5:' }), await make({ keyPrefix: 't5:' })];
    a!.coordinator.rememberNotFound(
      'm/@v/list',
      { kind: 'not-found', message: 'gone fishing' },
      60_000,
    );
    await until(
      async () => (await b!.coordinator.recallNotFound('m/@v/list')) !== undefined,
      'b sees it',
    );
    assert.deepEqual(await b!.coordinator.recallNotFound('m/@v/list'), {
      kind: 'not-found',
      message: 'gone fishing',
    });
    assert.equal(await b!.coordinator.freshFor('m/@v/list'), 0);
    a!.coordinator.markFresh('m/@v/list', 60_000);
    await until(async () => (await b!.coordinator.freshFor('m/@v/list')) > 0, 'b sees it fresh');
    assert.ok((await b!.coordinator.freshFor('m/@v/list')) <= 60_000);
    a!.coordinator.markFresh('n/@v/list', 1);
    await until(async () => (await b!.coordinator.freshFor('n/@v/list')) === 0, 'it expires');
  });

  test('locks: one holder at a time; a holder whose lock expired cannot commit', async () => {
    const [a, b] = [await make({ keyPrefix: 't6:' }), await make({ keyPrefix: 't6:' })];
    const order: string[] = [];
    const aHolds = gate();
    const aGo = gate();
    const first = a!.coordinator.withLock('log', async (guard) => {
      order.push('a in');
      aHolds.open();
      await aGo.promise;
      // Meanwhile the lock expired (a stall longer than its lifetime) and b took it.
      await assert.rejects(guard.confirm(), /expired while held/);
      order.push('a refused');
    });
    await aHolds.promise;
    const raw = new Redis(redis.url);
    let second: Promise<void>;
    try {
      const bWaits = b!.coordinator.withLock('log', async (guard) => {
        order.push('b in');
        await guard.confirm();
        order.push('b committed');
      });
      second = bWaits;
      // Expiry, as a stalled holder's lock expires.
      await raw.del('t6:lock:log');
      await until(() => order.includes('b committed'), 'b takes the lock');
      aGo.open();
      await first;
      await second;
    } finally {
      raw.disconnect();
    }
    assert.deepEqual(order, ['a in', 'b in', 'b committed', 'a refused']);
  });

  test('announce (issue 15): every replica listening to the topic hears it', async () => {
    const [a, b] = [await make({ keyPrefix: 't5:' }), await make({ keyPrefix: 't5:' })];
    const heard = { a: 0, b: 0, other: 0 };
    a.coordinator.onAnnounce('blocks', () => heard.a++);
    const stop = b.coordinator.onAnnounce('blocks', () => heard.b++);
    b.coordinator.onAnnounce('other', () => heard.other++);
    a.coordinator.announce('blocks');
    await until(() => heard.a === 1 && heard.b === 1, 'both replicas hear it');
    stop();
    b.coordinator.announce('blocks');
    await until(() => heard.a === 2, 'a hears b');
    assert.equal(heard.b, 1, 'b stopped listening');
    assert.equal(heard.other, 0);
  });

  test('Redis lost → fallback, logged and counted once; back → coordinated again', async () => {
    const a = await make({ keyPrefix: 't7:' });
    const storage = new Map<string, string>();
    const fetches = { n: 0 };
    await redis.kill();
    await until(() => !a.coordinator.isUp, 'the loss is noticed');
    assert.equal(await a.coordinator.once('k1', work(storage, 'k1', fetches)), 'content of k1');
    assert.equal(await a.coordinator.once('k2', work(storage, 'k2', fetches)), 'content of k2');
    assert.deepEqual(a.observer.fallbacks, ['unavailable', 'unavailable']);
    await assert.rejects(
      a.coordinator.withLock('log', () => Promise.resolve()),
      (err: unknown) => err instanceof ModgateError && err.kind === 'unavailable',
    );
    assert.equal(a.log.matching(/Redis is unreachable/).length, 1, a.log.text);
    await redis.restart();
    await until(() => a.coordinator.isUp, 'Redis is back', 60_000);
    assert.equal(a.log.matching(/reachable again/).length, 1, a.log.text);
    assert.deepEqual(a.observer.ups, [true, false, true]);
    await a.coordinator.once('k3', work(storage, 'k3', fetches));
    assert.equal(a.observer.fallbacks.length, 2, 'coordinated again');
    await a.coordinator.withLock('log', (guard) => guard.confirm());
  });
});
