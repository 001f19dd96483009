import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import type { Policy } from '../../src/policy/module-policy.js';
import { parseProxyPath, type ProxyRequest } from '../../src/protocol/proxy-request.js';
import { ModuleService } from '../../src/service/module-service.js';
import { MemoryStorage } from '../../src/storage/index.js';
import type { RevInfo, Upstream, ZipSource } from '../../src/upstream/upstream.js';
import { publicPolicy } from '../support/public-policy.js';

// Issue 9 item 6: a `.mod` fetched from the upstream brings its version's `.info` along, in
// the background (the go command asks for it next): the `.info` request then finds it stored,
// and the upstream was asked once for it. Private modules and stored `.mod`s do not.

let spoolDir: string;
before(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'modgate-prefetch-'));
});
after(async () => {
  await rm(spoolDir, { recursive: true, force: true });
});

/** An upstream that counts its calls per file. */
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
  zip(): Promise<ZipSource> {
    return Promise.reject(new ModgateError('not-found', 'no zip'));
  }
}

function req(path: string): ProxyRequest {
  const parsed = parseProxyPath(path);
  assert.ok(parsed);
  return parsed;
}

function service(storage: MemoryStorage, upstream: Upstream, policy: Policy): ModuleService {
  return new ModuleService({
    storage,
    upstreams: { chain: upstream, private: upstream },
    policy,
    stash: { spoolDir },
    cache: { listTtlMs: 60_000, notFoundTtlMs: 60_000 },
  });
}

test('a .mod fetched upstream brings its .info along: stored, and asked for once', async () => {
  const storage = new MemoryStorage();
  const upstream = new CountingUpstream();
  const s = service(storage, upstream, publicPolicy);
  try {
    const mod = await s.answer(req('/example.com/m/@v/v1.0.0.mod'));
    assert.equal(mod.cache, 'miss');
    await s.settle();
    assert.deepEqual(upstream.calls.sort(), [
      'example.com/m@v1.0.0.info',
      'example.com/m@v1.0.0.mod',
    ]);
    assert.ok(await storage.getBytes('example.com/m/@v/v1.0.0.info'), 'the .info is stored');
    const info = await s.answer(req('/example.com/m/@v/v1.0.0.info'));
    assert.equal(info.cache, 'hit');
    assert.equal(upstream.calls.length, 2, 'the .info request asked the upstream nothing');

    // A .mod already stored is not fetched, and brings nothing along.
    await storage.putBytes('example.com/m/@v/v1.1.0.mod', Buffer.from('module example.com/m\n'));
    await s.answer(req('/example.com/m/@v/v1.1.0.mod'));
    await s.settle();
    assert.equal(upstream.calls.length, 2);
  } finally {
    s.close();
  }
});

test("a private module's .mod does not bring its .info along", async () => {
  const storage = new MemoryStorage();
  const upstream = new CountingUpstream();
  const privatePolicy: Policy = {
    ...publicPolicy,
    forModule: (modulePath) => ({ ...publicPolicy.forModule(modulePath), private: true }),
  };
  const s = service(storage, upstream, privatePolicy);
  try {
    await s.answer(req('/example.com/m/@v/v1.0.0.mod'));
    await s.settle();
    assert.deepEqual(upstream.calls, ['example.com/m@v1.0.0.mod']);
    assert.equal(await storage.getBytes('example.com/m/@v/v1.0.0.info'), null);
  } finally {
    s.close();
  }
});
