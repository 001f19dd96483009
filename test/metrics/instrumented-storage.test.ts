import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { InstrumentedStorage } from '../../src/app/instrumented-storage.js';
import { StorageMetrics } from '../../src/metrics/storage-metrics.js';
import { MemoryStorage, type Storage } from '../../src/storage/index.js';
import { has, parseExposition, sumOf } from './exposition.js';

function setUp(inner: Storage = new MemoryStorage()) {
  const registry = new Registry();
  const storage = new InstrumentedStorage(inner, new StorageMetrics(registry));
  const scrape = async () => parseExposition(await registry.metrics());
  return { storage, inner, scrape };
}

describe('InstrumentedStorage', () => {
  test('operations by outcome; stored totals counted once, then kept by puts and deletes', async () => {
    const inner = new MemoryStorage();
    await inner.putBytes('a/@v/list', Buffer.from('v1.0.0\n'));
    await inner.putBytes('a/@v/v1.0.0.info', Buffer.from('{}'));
    const { storage, scrape } = setUp(inner);
    let s = await scrape();
    assert.ok(!has(s, 'modgate_storage_stored_bytes'), 'absent until counted');
    await storage.countStored();
    s = await scrape();
    assert.equal(sumOf(s, 'modgate_storage_stored_objects'), 2);
    assert.equal(sumOf(s, 'modgate_storage_stored_bytes'), 9);
    assert.equal(sumOf(s, 'modgate_storage_operations_total'), 0, 'the count is not an operation');

    await storage.putBytes('a/@v/list', Buffer.from('v1.0.0\nv1.1.0\n')); // replaces 7 bytes by 14
    await storage.putStream('a/@v/v1.0.0.zip', Readable.from([Buffer.alloc(100)]), 100);
    await storage.delete('a/@v/v1.0.0.info');
    await storage.delete('a/@v/missing.info');
    assert.equal(await storage.getBytes('a/@v/v9.info'), null);
    assert.ok((await storage.openRead('a/@v/v1.0.0.zip')) !== null);
    assert.ok((await storage.stat('a/@v/list')) !== null);
    assert.deepEqual(await storage.list('a/'), ['a/@v/list', 'a/@v/v1.0.0.zip']);
    s = await scrape();
    assert.equal(sumOf(s, 'modgate_storage_stored_objects'), 2);
    assert.equal(sumOf(s, 'modgate_storage_stored_bytes'), 114);
    const ops = (operation: string, outcome: string) =>
      sumOf(s, 'modgate_storage_operations_total', { operation, outcome });
    assert.equal(ops('put', 'ok'), 2);
    assert.equal(ops('delete', 'ok'), 2);
    assert.equal(ops('get', 'not_found'), 1);
    assert.equal(ops('get', 'ok'), 1);
    assert.equal(ops('exists', 'ok'), 1);
    assert.equal(ops('list', 'ok'), 1);
    assert.equal(sumOf(s, 'modgate_storage_operation_duration_seconds_count'), 8);
  });

  test('a put of a key a read just found missing needs no stat; the totals stay right', async () => {
    const inner = new MemoryStorage();
    await inner.putBytes('a/@v/list', Buffer.from('v1.0.0\n'));
    let stats = 0;
    const counting: Storage = Object.assign(Object.create(inner) as Storage, {
      stat: (key: string, signal?: AbortSignal) => {
        stats++;
        return inner.stat(key, signal);
      },
    });
    const { storage, scrape } = setUp(counting);
    await storage.countStored();
    const afterCount = stats;
    // Missed, then stored: no stat before the put (the cold path of every stored file).
    assert.equal(await storage.getBytes('a/@v/v1.0.0.mod'), null);
    await storage.putBytes('a/@v/v1.0.0.mod', Buffer.from('module a\n'));
    assert.equal(await storage.openRead('a/@v/v1.0.0.zip'), null);
    await storage.putStream('a/@v/v1.0.0.zip', Readable.from([Buffer.alloc(100)]), 100);
    assert.equal(stats, afterCount, 'no stat before a put of a key just missed');
    // Stored again: the put stats (it replaces 9 bytes), and the totals count it once.
    await storage.putBytes('a/@v/v1.0.0.mod', Buffer.from('module a\n'));
    assert.equal(stats, afterCount + 1);
    // Deleted, then stored again: no stat.
    await storage.delete('a/@v/v1.0.0.mod');
    const afterDelete = stats;
    await storage.putBytes('a/@v/v1.0.0.mod', Buffer.from('module a\n'));
    assert.equal(stats, afterDelete);
    const s = await scrape();
    assert.equal(sumOf(s, 'modgate_storage_stored_objects'), 3);
    assert.equal(sumOf(s, 'modgate_storage_stored_bytes'), 7 + 9 + 100);
  });

  test('a backend whose listing carries sizes (S3) is counted without a stat per file', async () => {
    const inner = new MemoryStorage();
    await inner.putBytes('a/@v/list', Buffer.from('v1.0.0\n'));
    await inner.putBytes('a/@v/v1.0.0.info', Buffer.from('{}'));
    let stats = 0;
    const sized: Storage = Object.assign(Object.create(inner) as Storage, {
      stat: (key: string, signal?: AbortSignal) => {
        stats++;
        return inner.stat(key, signal);
      },
      listSizes: async (prefix: string, signal?: AbortSignal) => {
        const keys = await inner.list(prefix, signal);
        return Promise.all(
          keys.map(async (key) => ({ key, size: (await inner.stat(key, signal))?.size ?? 0 })),
        );
      },
    });
    const { storage, scrape } = setUp(sized);
    await storage.countStored();
    const s = await scrape();
    assert.equal(sumOf(s, 'modgate_storage_stored_objects'), 2);
    assert.equal(sumOf(s, 'modgate_storage_stored_bytes'), 9);
    assert.equal(stats, 0, 'no stat per file');
  });

  test('writes made while counting win over what the count saw', async () => {
    const inner = new MemoryStorage();
    for (let i = 0; i < 50; i++) await inner.putBytes(`m${i}/@v/list`, Buffer.alloc(10));
    const { storage, scrape } = setUp(inner);
    const counting = storage.countStored();
    // Meanwhile: one file replaced, one deleted, one added.
    await storage.putBytes('m49/@v/list', Buffer.alloc(30));
    await storage.delete('m48/@v/list');
    await storage.putBytes('new/@v/list', Buffer.alloc(5));
    await counting;
    const s = await scrape();
    assert.equal(sumOf(s, 'modgate_storage_stored_objects'), 50);
    assert.equal(sumOf(s, 'modgate_storage_stored_bytes'), 48 * 10 + 30 + 5);
  });

  test('a failing backend is an error; a call aborted by its caller is not recorded', async () => {
    const broken = new MemoryStorage();
    broken.getBytes = () => Promise.reject(new Error('disk on fire'));
    const { storage, scrape } = setUp(broken);
    await assert.rejects(storage.getBytes('a/@v/list'), /disk on fire/);
    const aborted = AbortSignal.abort();
    await assert.rejects(storage.getBytes('a/@v/list', aborted));
    const s = await scrape();
    assert.equal(sumOf(s, 'modgate_storage_operations_total', { outcome: 'error' }), 1);
    assert.equal(sumOf(s, 'modgate_storage_operations_total'), 1);
  });
});
