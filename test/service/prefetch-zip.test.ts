import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import type { Policy } from '../../src/policy/module-policy.js';
import { parseProxyPath, type ProxyRequest } from '../../src/protocol/proxy-request.js';
import { ModuleService } from '../../src/service/module-service.js';
import { MemoryStorage } from '../../src/storage/index.js';
import type { RevInfo, Upstream, ZipSource } from '../../src/upstream/upstream.js';
import { makeZip } from '../support/fixture-proxy.js';
import { publicPolicy } from '../support/public-policy.js';

// Issue 9 item 6 (cache.prefetch_zips): when a client asks for the `.info` of a version whose
// `.mod` modgate just fetched from an upstream (the go command's `go mod download` order:
// .mod, then .info, then the zip), the zip is fetched ahead, verified and stored; the client's
// zip request then asks the upstream nothing. Versions not new (their .mod stored), private
// modules, modgate's own .info prefetch, and `prefetchZips: false` fetch no zip ahead.

let spoolDir: string;
before(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'modgate-prefetch-zip-'));
});
after(async () => {
  await rm(spoolDir, { recursive: true, force: true });
});

/** An upstream of valid modules that counts its calls per file. */
class CountingUpstream implements Upstream {
  readonly description = 'counting';
  readonly calls: string[] = [];
  list(): Promise<string[]> {
    return Promise.reject(new ModgateError('not-found', 'no list'));
  }
  info(modulePath: string, query: string): Promise<RevInfo> {
    this.calls.push(`${modulePath}@${query}.info`);
    const raw = Buffer.from(JSON.stringify({ Version: query, Time: '2024-03-01T10:00:00Z' }));
    return Promise.resolve({ version: query, raw });
  }
  latest(): Promise<RevInfo> {
    return Promise.reject(new ModgateError('not-found', 'no latest'));
  }
  mod(modulePath: string, version: string): Promise<Buffer> {
    this.calls.push(`${modulePath}@${version}.mod`);
    return Promise.resolve(Buffer.from(`module ${modulePath}\n`));
  }
  async zip(modulePath: string, version: string): Promise<ZipSource> {
    this.calls.push(`${modulePath}@${version}.zip`);
    const zip = await makeZip(modulePath, version, { 'go.mod': `module ${modulePath}\n` });
    return { stream: Readable.from([zip]), size: zip.length };
  }
}

function req(path: string): ProxyRequest {
  const parsed = parseProxyPath(path);
  assert.ok(parsed);
  return parsed;
}

function service(
  storage: MemoryStorage,
  upstream: Upstream,
  policy: Policy = publicPolicy,
  prefetchZips?: boolean,
): ModuleService {
  return new ModuleService({
    storage,
    upstreams: { chain: upstream, private: upstream },
    policy,
    stash: { spoolDir },
    cache: { listTtlMs: 60_000, notFoundTtlMs: 60_000 },
    prefetchZips,
  });
}

const ZIP = 'example.com/m/@v/v1.0.0.zip';

test('.mod fetched, then the client asks for the .info: the zip is fetched ahead', async () => {
  const storage = new MemoryStorage();
  const upstream = new CountingUpstream();
  const s = service(storage, upstream);
  try {
    await s.answer(req('/example.com/m/@v/v1.0.0.mod'));
    await s.settle(); // modgate's own .info prefetch fetches no zip
    assert.deepEqual(upstream.calls.sort(), [
      'example.com/m@v1.0.0.info',
      'example.com/m@v1.0.0.mod',
    ]);
    const info = await s.answer(req('/example.com/m/@v/v1.0.0.info'));
    assert.equal(info.cache, 'hit');
    await s.settle();
    assert.equal(upstream.calls.filter((c) => c.endsWith('.zip')).length, 1);
    const stored = await storage.getBytes(ZIP);
    assert.ok(stored, 'the prefetched zip is verified and stored');

    const zip = await s.answer(req(`/${ZIP}`));
    assert.equal(zip.cache, 'hit');
    assert.ok(zip.body?.equals(stored));
    assert.ok(zip.etag !== undefined, "answered with the stored file's validators");
    assert.equal(upstream.calls.filter((c) => c.endsWith('.zip')).length, 1, 'asked once');

    // A second .info request prefetches nothing more.
    await s.answer(req('/example.com/m/@v/v1.0.0.info'));
    await s.settle();
    assert.equal(upstream.calls.filter((c) => c.endsWith('.zip')).length, 1);
  } finally {
    s.close();
  }
});

test('a zip asked for while it is fetched ahead shares that download', async () => {
  const storage = new MemoryStorage();
  const upstream = new CountingUpstream();
  const s = service(storage, upstream);
  try {
    await s.answer(req('/example.com/m/@v/v1.0.0.mod'));
    await s.answer(req('/example.com/m/@v/v1.0.0.info'));
    const zip = await s.answer(req(`/${ZIP}`));
    assert.ok(zip.body !== undefined && zip.body.length > 0);
    await s.settle();
    assert.ok((await storage.getBytes(ZIP))?.equals(zip.body));
    assert.equal(upstream.calls.filter((c) => c.endsWith('.zip')).length, 1, 'one download');
  } finally {
    s.close();
  }
});

test('no zip ahead: .mod already stored, private module, or prefetchZips false', async () => {
  const cases: { name: string; policy?: Policy; prefetch?: boolean; storedMod?: boolean }[] = [
    { name: 'stored .mod', storedMod: true },
    {
      name: 'private',
      policy: {
        ...publicPolicy,
        forModule: (modulePath) => ({ ...publicPolicy.forModule(modulePath), private: true }),
      },
    },
    { name: 'prefetchZips false', prefetch: false },
  ];
  for (const c of cases) {
    const storage = new MemoryStorage();
    const upstream = new CountingUpstream();
    if (c.storedMod === true) {
      await storage.putBytes('example.com/m/@v/v1.0.0.mod', Buffer.from('module example.com/m\n'));
    }
    const s = service(storage, upstream, c.policy, c.prefetch);
    try {
      await s.answer(req('/example.com/m/@v/v1.0.0.mod'));
      await s.answer(req('/example.com/m/@v/v1.0.0.info'));
      await s.settle();
      assert.deepEqual(
        upstream.calls.filter((x) => x.endsWith('.zip')),
        [],
        `${c.name}: no zip fetched`,
      );
      assert.equal(await storage.getBytes(ZIP), null, c.name);
    } finally {
      s.close();
    }
  }
});
