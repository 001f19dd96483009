import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DiskStorage, MemoryStorage } from '../../../src/storage/index.js';
import {
  StorageSumdbCache,
  StorageSumdbState,
  sumdbLatestKey,
} from '../../../src/sumdb/client/index.js';
import { TestSumdb } from '../../support/test-sumdb.js';
import { clientFor, fakeRecords } from './sumdb-test-env.js';

const rec = fakeRecords(300);

describe('StorageSumdbState', () => {
  test('compare-and-swap: empty means none, a stale old value loses', async () => {
    const storage = new MemoryStorage();
    const state = new StorageSumdbState(storage, 'sum.example.com');
    assert.deepEqual(await state.readLatest(), Buffer.alloc(0));
    assert.equal(await state.compareAndSwapLatest(Buffer.from('x'), Buffer.from('a')), false);
    assert.equal(await state.compareAndSwapLatest(Buffer.alloc(0), Buffer.from('a')), true);
    assert.equal(await state.compareAndSwapLatest(Buffer.alloc(0), Buffer.from('b')), false);
    assert.equal(await state.compareAndSwapLatest(Buffer.from('a'), Buffer.from('b')), true);
    assert.deepEqual(await storage.getBytes('sumdb/sum.example.com/latest'), Buffer.from('b'));
  });

  test('concurrent swaps from the same value: exactly one wins, across state objects', async () => {
    const storage = new MemoryStorage();
    const states = Array.from({ length: 10 }, () => new StorageSumdbState(storage, 'db.example'));
    const results = await Promise.all(
      states.map((s, i) => s.compareAndSwapLatest(Buffer.alloc(0), Buffer.from(String(i)))),
    );
    assert.equal(results.filter(Boolean).length, 1);
  });
});

describe('the timeline moves forward with the database', () => {
  test('a larger tree that extends the remembered one replaces it', async () => {
    const db = await TestSumdb.create({ records: rec.slice(0, 10) });
    const env = clientFor(db);
    try {
      await env.client.lookup(rec[3]!.path, rec[3]!.version);
      const small = await env.storage.getBytes(sumdbLatestKey(db.name));
      assert.match(small!.toString(), /^go\.sum database tree\n10\n/);
      await db.add(rec.slice(10));
      await env.client.lookup(rec[280]!.path, rec[280]!.version);
      const large = await env.storage.getBytes(sumdbLatestKey(db.name));
      assert.deepEqual(large, await db.signedTree());
      assert.match(large!.toString(), /^go\.sum database tree\n300\n/);
      // An answer with an older tree (a cached lookup elsewhere) is still accepted.
      assert.equal((await env.client.lookup(rec[4]!.path, rec[4]!.version)).length, 2);
    } finally {
      await env.close();
      await db.close();
    }
  });

  test('two clients sharing storage merge their timelines', async () => {
    const db = await TestSumdb.create({ records: rec.slice(0, 10) });
    const storage = new MemoryStorage();
    const a = clientFor(db, { storage });
    const b = clientFor(db, { storage });
    try {
      await a.client.lookup(rec[1]!.path, rec[1]!.version);
      await db.add(rec.slice(10, 100));
      await b.client.lookup(rec[50]!.path, rec[50]!.version);
      await db.add(rec.slice(100));
      // a still believes in tree 10 in memory; the store holds 100; the database serves 300.
      await a.client.lookup(rec[200]!.path, rec[200]!.version);
      assert.deepEqual(await storage.getBytes(sumdbLatestKey(db.name)), await db.signedTree());
      assert.deepEqual(await b.client.latest(0), await db.signedTree());
    } finally {
      await a.close();
      await b.close();
      await db.close();
    }
  });
});

describe('sumdb files on disk', () => {
  test('the layout is /sumdb/<name>/{latest,lookup/...,tile/...} under the data directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modgate-sumdb-'));
    const db = await TestSumdb.create({ records: rec });
    const storage = await DiskStorage.open(dir);
    const env = clientFor(db, { storage });
    try {
      await env.client.lookup(rec[7]!.path, rec[7]!.version);
      await env.client.settle(); // the lookup answer is written to the cache behind the lookup
      const root = join(dir, 'sumdb', db.name);
      assert.deepEqual(await readFile(join(root, 'latest')), await db.signedTree());
      const lookup = await readFile(join(root, 'lookup', 'example.com', 'm7@v1.0.7'));
      assert.match(lookup.toString(), /^7\nexample\.com\/m7 v1\.0\.7 h1:/);
      assert.equal((await readFile(join(root, 'tile', '8', '0', '000'))).length, 8192);
      const cache = new StorageSumdbCache(storage, db.name);
      assert.deepEqual(await cache.get('lookup/example.com/m7@v1.0.7'), lookup);
    } finally {
      await env.close();
      await db.close();
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
