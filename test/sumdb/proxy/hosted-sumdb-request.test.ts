import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import { handleSumdbRequest, type SumdbProxyDeps } from '../../../src/sumdb/proxy/index.js';
import { parseRecord, parseTree } from '../../../src/sumdb/tlog/index.js';
import { NAME, openServer } from '../server/server-env.js';
import { compilePolicy } from '../../../src/policy/index.js';

// A hosted database beside proxied ones: routed by name, private paths answered (they are what
// it is for), headers as a proxied database's.
describe('handleSumdbRequest with a hosted database', () => {
  test('supported, lookup of a private path, tiles and latest', async () => {
    const env = await openServer();
    const deps: SumdbProxyDeps = {
      databases: [],
      hosted: [env.hosted],
      policy: compilePolicy({ private: '*', noVerify: '', insecure: '', vcsPolicy: '' }),
    };
    const supported = await handleSumdbRequest(`/sumdb/${NAME}/supported`, deps);
    assert.equal(supported.status, 200);

    const lookup = await handleSumdbRequest(
      `/sumdb/${NAME}/lookup/example.com/!private@v1.0.0-rc.1`,
      deps,
    );
    assert.equal(lookup.status, 200);
    assert.equal(lookup.headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(lookup.headers['content-length'], String(lookup.body.length));
    const record = parseRecord(lookup.body);
    assert.equal(record.id, 0);
    assert.match(record.text.toString(), /^example\.com\/Private v1\.0\.0-rc\.1 h1:/);
    assert.equal(env.source.calls[0], 'example.com/Private@v1.0.0-rc.1');

    for (let i = 1; i < 256; i++) await env.hosted.lookup(`example.com/m${i}`, `v1.0.${i}`);
    const full = await handleSumdbRequest(`/sumdb/${NAME}/tile/8/0/000`, deps);
    assert.equal(full.headers['content-type'], 'application/octet-stream');
    assert.equal(full.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(full.body.length, 256 * 32);
    const data = await handleSumdbRequest(`/sumdb/${NAME}/tile/8/data/000`, deps);
    assert.equal(data.headers['content-type'], 'text/plain; charset=UTF-8');
    assert.ok(data.body.toString().startsWith(record.text.toString() + '\n'));
    const partial = await handleSumdbRequest(`/sumdb/${NAME}/tile/8/1/000.p/1`, deps);
    assert.equal(partial.headers['cache-control'], 'public, max-age=10');
    // Superseded by the full tile: 404, and the go command then reads the full one.
    await assert.rejects(
      handleSumdbRequest(`/sumdb/${NAME}/tile/8/0/000.p/7`, deps),
      (err) => err instanceof ModgateError && err.kind === 'not-found',
    );
    const latest = await handleSumdbRequest(`/sumdb/${NAME}/latest`, deps);
    assert.equal(parseTree(latest.body.toString().split('\n\n')[0] + '\n').n, 256);
    await assert.rejects(
      handleSumdbRequest('/sumdb/other.example/latest', deps),
      (err) => err instanceof ModgateError && err.kind === 'not-found',
    );
  });
});
