import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BundleError } from '../../src/mirror/index.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { createSumdbClient, SumdbClient } from '../../src/sumdb/client/index.js';
import { StorageSumdbCache, StorageSumdbState } from '../../src/sumdb/client/index.js';
import { handleSumdbRequest, type SumdbProxyDeps } from '../../src/sumdb/proxy/index.js';
import { parseTree } from '../../src/sumdb/tlog/index.js';
import { HttpClient } from '../../src/upstream/http-client.js';
import { compilePolicy } from '../../src/policy/index.js';
import type { FixtureModule } from '../support/fixture-proxy.js';
import { BundleEnv, fillerRecords } from './bundle-env.js';

// Several bundles, several heads: the head an import leaves must be consistent with every
// stored record; and an offline modgate serves what was imported so that a verifying client
// (as the go command verifies) accepts it, and 404s what it lacks.

const first: FixtureModule = {
  path: 'example.com/first',
  version: 'v1.0.0',
  files: { 'a.go': 'package first\n' },
};
const second: FixtureModule = {
  path: 'example.com/second',
  version: 'v1.0.0',
  files: { 'b.go': 'package second\n' },
};
const item = (m: FixtureModule) => ({ path: m.path, version: m.version, zip: true });
const policy = compilePolicy({ private: '', noVerify: '', insecure: '', vcsPolicy: '' });
const http = new HttpClient({ connectTimeoutMs: 1000, maxConnections: 2, userAgent: 'test' });

/** The offline side: a client that never reaches the database, over `storage`. */
function offlineDeps(env: BundleEnv, storage: MemoryStorage): SumdbProxyDeps {
  const client = createSumdbClient(env.database, storage, http, { offline: true, policy });
  return { databases: [client], policy };
}

/** A go-command-like verifying client whose only way to the database is the offline side. */
function verifyingClient(env: BundleEnv, deps: SumdbProxyDeps): SumdbClient {
  const state = new MemoryStorage();
  return new SumdbClient({
    name: env.db.name,
    verifier: env.database.verifier,
    state: new StorageSumdbState(state, env.db.name),
    cache: new StorageSumdbCache(state, env.db.name),
    transport: {
      get: async (path) => (await handleSumdbRequest(`/sumdb/${env.db.name}${path}`, deps)).body,
    },
  });
}

describe('mirror bundles: heads and offline serving', () => {
  let env: BundleEnv;
  let older: string; // head of size 301
  let newer: string; // head after 300 more records, without the tiles linking it to `older`
  let linked: string; // the same, exported with --prove-from 301
  let olderSize: number;

  before(async () => {
    env = await BundleEnv.create([first], 300);
    older = await env.export([item(first)], 'older.bundle');
    olderSize = env.db.size;
    await env.db.add(fillerRecords(300, 'example.com/later'));
    await env.fixture.add([second]);
    await env.record([second]);
    newer = await env.export([item(second)], 'newer.bundle');
    linked = await env.export([item(second)], 'linked.bundle', { proveFrom: olderSize });
  });
  after(async () => {
    await env.close();
  });

  test('a newer head that cannot be proved consistent is refused, naming the remedy', async () => {
    const storage = new MemoryStorage();
    await env.import(older, storage);
    const before = await storage.list('');
    await assert.rejects(env.import(newer, storage), (err: unknown) => {
      assert.ok(err instanceof BundleError, String(err));
      assert.equal(err.check, 'consistency');
      assert.match(err.message, new RegExp(`--prove-from ${olderSize}`));
      return true;
    });
    assert.deepEqual(await storage.list(''), before);
  });

  test('with --prove-from the head moves forward, in either import order', async () => {
    for (const order of [
      [older, linked],
      [linked, older],
    ]) {
      const storage = new MemoryStorage();
      for (const b of order) await env.import(b, storage);
      const head = parseTree((await storage.getBytes(`sumdb/${env.db.name}/latest`))!);
      assert.equal(head.n, env.db.size);
      // A verifying client accepts both modules from the offline side.
      const client = verifyingClient(env, offlineDeps(env, storage));
      await client.lookup(second.path, second.version);
      for (const m of [first, second]) {
        const lines = await client.lookup(m.path, m.version);
        assert.equal(lines.length, 2, `${m.path}: ${lines.join('|')}`);
      }
    }
  });

  test('offline serving: supported, lookup, tile, latest; a missing module is a 404', async () => {
    const storage = new MemoryStorage();
    await env.import(older, storage);
    const deps = offlineDeps(env, storage);
    const get = (p: string) => handleSumdbRequest(`/sumdb/${env.db.name}/${p}`, deps);
    assert.equal((await get('supported')).status, 200);
    const latest = await get('latest');
    assert.equal(parseTree(latest.body).n, olderSize);
    const lookup = await get('lookup/example.com/first@v1.0.0');
    assert.match(lookup.body.toString('utf8'), /example\.com\/first v1\.0\.0 h1:/);
    await assert.rejects(get('lookup/example.com/second@v1.0.0'), (err: Error) => {
      assert.equal((err as { kind?: string }).kind, 'not-found');
      assert.match(err.message, /offline/);
      return true;
    });
    // Nothing was asked of the database by the offline side.
    const requestsBefore = env.db.requests.length;
    await verifyingClient(env, deps).lookup(first.path, first.version);
    assert.equal(env.db.requests.length, requestsBefore);
  });

  test('a running offline modgate serves the head an import moved forward', async () => {
    const storage = new MemoryStorage();
    await env.import(older, storage);
    const deps = offlineDeps(env, storage);
    const latest = async () =>
      parseTree((await handleSumdbRequest(`/sumdb/${env.db.name}/latest`, deps)).body).n;
    assert.equal(await latest(), olderSize);
    await env.import(linked, storage);
    assert.equal(await latest(), env.db.size);
  });

  test('a bundle from a forked history is refused', async () => {
    const storage = new MemoryStorage();
    await env.import(older, storage);
    const before = await storage.list('');
    await env.db.fork(100, [await env.recordOf(second)]);
    const forked = await env.export([item(second)], 'forked.bundle', { proveFrom: 100 });
    await assert.rejects(env.import(forked, storage), (err: unknown) => {
      assert.ok(err instanceof BundleError, String(err));
      assert.equal(err.check, 'consistency', err.message);
      return true;
    });
    assert.deepEqual(await storage.list(''), before);
  });
});
