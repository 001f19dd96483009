import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseProxyPath, type ProxyRequest } from '../../src/protocol/proxy-request.js';
import { ModuleService } from '../../src/service/module-service.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { OffUpstream } from '../../src/upstream/chain-upstream.js';
import { publicPolicy } from '../support/public-policy.js';

let spoolDir: string;
before(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'modgate-answer-'));
});
after(async () => {
  await rm(spoolDir, { recursive: true, force: true });
});

function req(path: string): ProxyRequest {
  const parsed = parseProxyPath(path);
  assert.ok(parsed);
  return parsed;
}

test('answer(): a cached hit comes back synchronously, the same frozen object each time', async () => {
  const storage = new MemoryStorage();
  await storage.putBytes('example.com/m/@v/v1.0.0.info', Buffer.from('{"Version":"v1.0.0"}'));
  await storage.putBytes('example.com/m/@v/list', Buffer.from('v1.0.0\n'));
  const clock = Date.now();
  const service = new ModuleService({
    storage,
    upstreams: { chain: new OffUpstream() },
    policy: publicPolicy,
    stash: { spoolDir },
    cache: { listTtlMs: 60_000, notFoundTtlMs: 0, now: () => clock },
  });
  try {
    for (const path of ['/example.com/m/@v/v1.0.0.info', '/example.com/m/@v/list']) {
      const r = req(path);
      const first = service.answer(r);
      assert.ok(first instanceof Promise, `${path}: the first answer reads storage`);
      assert.equal((await first).cache, 'hit');
      const second = service.answer(r);
      assert.ok(!(second instanceof Promise), `${path}: then it is in memory`);
      assert.equal(second.status, 200);
      assert.ok(Object.isFrozen(second));
      assert.equal(service.answer(req(path)), second, `${path}: one object for every request`);
      // HEAD: the same answer (the HTTP layer leaves the body out).
      assert.equal(await service.answer(r, { head: true }), second);
    }
  } finally {
    service.close();
  }
});
