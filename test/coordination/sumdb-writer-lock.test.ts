// modgate's own checksum database appended to by two replicas on one storage, through the
// writer lock in a real Redis (issue 12 item 4): appends interleave without forking the log
// (each replica builds on the head the other stored, and serves what the other logged); a
// holder whose lock expired while it stalled writes no head — whether the other replica
// committed meanwhile or only holds the lock; with Redis gone, appends are refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { ModgateError } from '../../src/errors/index.js';
import { MemoryStorage } from '../../src/storage/memory/memory-storage.js';
import { SumdbLog, loadOrCreateServerKey } from '../../src/sumdb/server/index.js';
import { RedisServer } from '../support/redis-server.js';
import { NAME, fakeH1 } from '../sumdb/server/server-env.js';
import { replica, type Replica } from './coordination-harness.js';

const text = (i: number): Buffer =>
  Buffer.from(
    `example.com/m${i} v1.0.0 ${fakeH1(`zip ${i}`)}\nexample.com/m${i} v1.0.0/go.mod ${fakeH1(`mod ${i}`)}\n`,
  );

function unavailable(pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ModgateError, String(err));
    assert.equal(err.kind, 'unavailable', err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('the own checksum database among replicas', () => {
  let redis: RedisServer;
  let raw: Redis;
  const replicas: Replica[] = [];
  before(async () => {
    redis = await RedisServer.start();
    raw = new Redis(redis.url);
  });
  after(async () => {
    for (const r of replicas) await r.coordinator.close();
    raw.disconnect();
    await redis.close();
  });

  /** Two replicas' logs of one database on `storage`, each with its own Redis connection. */
  async function twoLogs(
    prefix: string,
    storage: MemoryStorage,
    beforeHeadOfA?: () => Promise<void>,
  ): Promise<[SumdbLog, SumdbLog]> {
    const key = await loadOrCreateServerKey(storage, NAME);
    const logs: SumdbLog[] = [];
    for (const hook of [beforeHeadOfA, undefined]) {
      const r = await replica(redis.url, { keyPrefix: prefix });
      replicas.push(r);
      logs.push(
        await SumdbLog.open({
          storage,
          name: NAME,
          signer: key.signer,
          verifier: key.verifier,
          writerLock: r.coordinator,
          ...(hook === undefined ? {} : { beforeHead: hook }),
        }),
      );
    }
    return [logs[0]!, logs[1]!];
  }

  /** The log as a new process opens it: it must verify; its size and records. */
  async function reopened(storage: MemoryStorage): Promise<SumdbLog> {
    const key = await loadOrCreateServerKey(storage, NAME);
    return SumdbLog.open({ storage, name: NAME, signer: key.signer, verifier: key.verifier });
  }

  test('appends through both replicas interleave into one log', async () => {
    const storage = new MemoryStorage();
    const [a, b] = await twoLogs('s1:', storage);
    const appended = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? a : b).append(`example.com/m${i}`, 'v1.0.0', text(i)),
      ),
    );
    assert.deepEqual(
      appended.map((r) => r.id).sort((x, y) => x - y),
      Array.from({ length: 12 }, (_, i) => i),
      'one id per record, none twice',
    );
    const log = await reopened(storage);
    assert.equal(log.tree.n, 12);
    for (let i = 0; i < 12; i++) {
      const found = await log.find(`example.com/m${i}`, 'v1.0.0');
      assert.ok(found?.text.equals(text(i)), `m${i} logged`);
      // Each replica serves what the other logged.
      assert.ok(await a.find(`example.com/m${i}`, 'v1.0.0'));
      assert.ok(await b.find(`example.com/m${i}`, 'v1.0.0'));
    }
    // A version appended again through the other replica keeps its record.
    const again = await b.append('example.com/m0', 'v1.0.0', text(0));
    assert.equal(again.id, appended[0]!.id);
    assert.equal((await reopened(storage)).tree.n, 12);
  });

  test('a holder whose lock expired while another replica committed writes no head', async () => {
    const storage = new MemoryStorage();
    const other: { log?: SumdbLog } = {};
    let stalled = false;
    const [a, b] = await twoLogs('s2:', storage, async () => {
      if (stalled) return;
      stalled = true;
      // A stalls past its lock's lifetime: the lock expires, B takes it and commits.
      await raw.del(`s2:lock:sumdb:${NAME}`);
      await other.log!.append('example.com/b', 'v1.0.0', text(100));
    });
    other.log = b;
    await assert.rejects(
      a.append('example.com/a', 'v1.0.0', text(200)),
      unavailable(/another writer committed a tree head/),
    );
    let log = await reopened(storage);
    assert.equal(log.tree.n, 1);
    assert.ok(await log.find('example.com/b', 'v1.0.0'));
    assert.equal(await log.find('example.com/a', 'v1.0.0'), undefined);
    // A's next append builds on B's head.
    const rec = await a.append('example.com/a', 'v1.0.0', text(200));
    assert.equal(rec.id, 1);
    log = await reopened(storage);
    assert.equal(log.tree.n, 2);
  });

  test('a holder whose lock was taken by another replica writes no head', async () => {
    const storage = new MemoryStorage();
    let stalled = false;
    const [a] = await twoLogs('s3:', storage, async () => {
      if (stalled) return;
      stalled = true;
      // Expired, and now held by someone else (who has not committed yet).
      await raw.set(`s3:lock:sumdb:${NAME}`, 'another-holder', 'PX', 60_000);
    });
    await assert.rejects(
      a.append('example.com/a', 'v1.0.0', text(1)),
      unavailable(/expired while held/),
    );
    assert.equal((await reopened(storage)).tree.n, 0);
    await raw.del(`s3:lock:sumdb:${NAME}`);
    assert.equal((await a.append('example.com/a', 'v1.0.0', text(1))).id, 0);
  });

  test('Redis gone: appends are refused, reads go on', async () => {
    const storage = new MemoryStorage();
    const [a] = await twoLogs('s4:', storage);
    await a.append('example.com/a', 'v1.0.0', text(1));
    await redis.kill();
    try {
      await assert.rejects(
        a.append('example.com/b', 'v1.0.0', text(2)),
        unavailable(/cannot be reached/),
      );
      assert.ok(await a.find('example.com/a', 'v1.0.0'));
      assert.equal((await reopened(storage)).tree.n, 1);
    } finally {
      await redis.restart();
    }
  });
});
