// Blocks added at run time against the module service (issue 15): cached answers (lists and
// files, the ones the fast path serves) obey a new block at once, and unblocking brings the
// version back; an admin's refresh fetches the list again even while the stored copy is fresh.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import { compilePolicy } from '../../src/policy/index.js';
import { parseProxyPath, type ProxyRequest } from '../../src/protocol/proxy-request.js';
import { ModuleService } from '../../src/service/module-service.js';
import { RuntimeBlocks } from '../../src/service/runtime-blocks.js';
import { MemoryStorage } from '../../src/storage/index.js';
import type { Upstream } from '../../src/upstream/upstream.js';

let spoolDir: string;
before(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'modgate-blocks-'));
});
after(async () => {
  await rm(spoolDir, { recursive: true, force: true });
});

function req(path: string): ProxyRequest {
  const parsed = parseProxyPath(path);
  assert.ok(parsed);
  return parsed;
}

/** An upstream that knows one module's list (changed by the test) and nothing else. */
function listUpstream(versions: string[]): Upstream & { lists: number } {
  const none = () => Promise.reject(new ModgateError('not-found', 'not here'));
  return {
    description: 'test',
    lists: 0,
    list(this: { lists: number }) {
      this.lists++;
      return Promise.resolve([...versions]);
    },
    info: none,
    latest: none,
    mod: none,
    zip: none,
  } as unknown as Upstream & { lists: number };
}

async function body(answer: ReturnType<ModuleService['answer']>): Promise<string> {
  return ((await answer).body ?? Buffer.alloc(0)).toString();
}

test('a block applies to cached answers at once; unblocking brings the version back', async () => {
  const storage = new MemoryStorage();
  const info = 'example.com/m/@v/v1.0.0.info';
  await storage.putBytes(info, Buffer.from('{"Version":"v1.0.0"}'));
  const policy = compilePolicy({ private: '', noVerify: '', insecure: '', vcsPolicy: '' });
  const upstream = listUpstream(['v1.0.0', 'v1.1.0']);
  const service = new ModuleService({
    storage,
    upstreams: { chain: upstream },
    policy,
    stash: { spoolDir },
    cache: { listTtlMs: 3_600_000, notFoundTtlMs: 0 },
  });
  const blocks = new RuntimeBlocks({
    storage,
    policy,
    pollIntervalMs: 60_000,
    onChange: () => service.blocksChanged(),
  });
  await blocks.start();
  try {
    assert.equal(await body(service.answer(req('/example.com/m/@v/list'))), 'v1.0.0\nv1.1.0\n');
    assert.equal(
      await body(service.answer(req('/example.com/m/@v/v1.0.0.info'))),
      '{"Version":"v1.0.0"}',
    );
    // Both are cached now: answered synchronously (as the fast path answers them).
    assert.ok(!(service.answer(req('/example.com/m/@v/list')) instanceof Promise));
    assert.ok(!(service.answer(req('/example.com/m/@v/v1.0.0.info')) instanceof Promise));

    const block = await blocks.add(
      { module: 'example.com/m', versions: 'v1.0.0', reason: 'broken' },
      'alice',
    );
    assert.equal(await body(service.answer(req('/example.com/m/@v/list'))), 'v1.1.0\n');
    assert.throws(
      () => service.answer(req('/example.com/m/@v/v1.0.0.info')),
      (err: unknown) =>
        err instanceof ModgateError &&
        err.kind === 'forbidden' &&
        err.message.includes(`is blocked: broken (modgate block ${block.id}`),
    );
    assert.equal(upstream.lists, 1, 'the list came from storage again, not the upstream');

    await blocks.remove(block.id);
    assert.equal(await body(service.answer(req('/example.com/m/@v/list'))), 'v1.0.0\nv1.1.0\n');
    assert.equal(
      await body(service.answer(req('/example.com/m/@v/v1.0.0.info'))),
      '{"Version":"v1.0.0"}',
    );
  } finally {
    blocks.stop();
    service.close();
  }
});

test('refreshList fetches the list again while the cached and stored copies are fresh', async () => {
  const storage = new MemoryStorage();
  const policy = compilePolicy({ private: '', noVerify: '', insecure: '', vcsPolicy: '' });
  const versions = ['v1.0.0'];
  const upstream = listUpstream(versions);
  const service = new ModuleService({
    storage,
    upstreams: { chain: upstream },
    policy,
    stash: { spoolDir },
    cache: { listTtlMs: 3_600_000, notFoundTtlMs: 0 },
  });
  try {
    assert.equal(await body(service.answer(req('/example.com/m/@v/list'))), 'v1.0.0\n');
    versions.push('v1.2.0');
    assert.equal(await body(service.answer(req('/example.com/m/@v/list'))), 'v1.0.0\n'); // fresh
    const refreshed = await service.refreshList({
      modulePath: 'example.com/m',
      escapedPath: 'example.com/m',
    });
    assert.equal(refreshed.body?.toString(), 'v1.0.0\nv1.2.0\n');
    assert.equal(upstream.lists, 2);
    assert.equal(await body(service.answer(req('/example.com/m/@v/list'))), 'v1.0.0\nv1.2.0\n');
    assert.equal(upstream.lists, 2, 'the refreshed list is the cached one now');
  } finally {
    service.close();
  }
});
