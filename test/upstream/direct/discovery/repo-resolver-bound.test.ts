// The repository resolver's caches are bounded by bytes: many distinct module paths (each a
// rewrite answer, or a failure) cannot grow them past their budget. No network: rewrites
// answer without discovery, and malformed paths fail before it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../../../src/errors/index.js';
import { HttpClient } from '../../../../src/upstream/http-client.js';
import { RepoResolver } from '../../../../src/upstream/direct/discovery/index.js';

test('bound holds under 200,000 distinct module paths, answers and failures', async () => {
  const http = new HttpClient({ connectTimeoutMs: 100, maxConnections: 1, userAgent: 'test' });
  try {
    const maxCacheBytes = 512 * 1024;
    let now = 1_000;
    const r = new RepoResolver({
      http,
      rewrites: [{ pattern: 'git.corp.example/*', url: 'https://git.corp.example/*.git' }],
      maxCacheBytes,
      now: () => now,
    });
    const long = 'x'.repeat(150);
    for (let i = 0; i < 100_000; i++) {
      const root = await r.resolve(`git.corp.example/${long}${i}/sub`);
      assert.equal(root.root, `git.corp.example/${long}${i}`);
      // A malformed path fails, and the failure is remembered (negative lifetime).
      await assert.rejects(r.resolve(`git.corp.example/${long}${i}/UPPER..`), ModgateError);
      if (r.cachedBytes > maxCacheBytes * 1.5) assert.fail(`${r.cachedBytes} bytes after ${i}`);
    }
    // A remembered failure is rethrown with its kind and message, without the original cause.
    const path = `git.corp.example/${long}99999/UPPER..`;
    const first = await r.resolve(path).catch((e: unknown) => e);
    const again = await r.resolve(path).catch((e: unknown) => e);
    assert.ok(first instanceof ModgateError && again instanceof ModgateError);
    assert.equal(again.kind, first.kind);
    assert.equal(again.message, first.message);
    assert.equal(again.cause, undefined);
    now += 60_000;
    assert.ok(r.cachedBytes <= maxCacheBytes * 1.5);
  } finally {
    await http.close();
  }
});
