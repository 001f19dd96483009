import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { rawRequest } from '../support/raw-request.js';
import { closedWithin, openSocket } from './bare-proxy-server.js';

const hello = (version: string) => ({
  path: 'example.com/hello',
  version,
  files: { 'hello.go': `package hello\n\nconst V = "${version}"\n` },
});

describe('HTTP behaviour of the proxy', () => {
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  before(async () => {
    fixture = await FixtureProxy.create([
      hello('v1.0.0'),
      hello('v1.1.0'),
      { path: 'example.com/big', version: 'v1.0.0', files: { 'blob.bin': randomBytes(2 << 20) } },
    ]);
    fixture.overrides.set('example.com/hello/@v/main.info', {
      body: JSON.stringify({ Version: 'v1.1.0', Time: '2024-01-02T03:04:05Z' }),
    });
    modgate = await startModgate({ upstream: fixture.url, notFoundTtl: '1m', listTtl: '1m' });
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
  });

  test('content types and cache headers', async () => {
    const list = await rawRequest(modgate.url, '/example.com/hello/@v/list');
    assert.equal(list.status, 200);
    assert.equal(list.headers['content-type'], 'text/plain; charset=utf-8');
    assert.match(String(list.headers['cache-control']), /^public, max-age=(59|60)$/);
    assert.equal(list.body.toString(), 'v1.0.0\nv1.1.0\n');

    const info = await rawRequest(modgate.url, '/example.com/hello/@v/v1.0.0.info');
    assert.equal(info.headers['content-type'], 'application/json');
    assert.equal(info.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((JSON.parse(info.body.toString()) as { Version: string }).Version, 'v1.0.0');

    const mod = await rawRequest(modgate.url, '/example.com/hello/@v/v1.0.0.mod');
    assert.equal(mod.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(mod.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(mod.body.toString(), 'module example.com/hello\n');

    const latest = await rawRequest(modgate.url, '/example.com/hello/@latest');
    assert.equal(latest.headers['content-type'], 'application/json');
    assert.match(String(latest.headers['cache-control']), /max-age=/);

    const miss = await rawRequest(modgate.url, '/example.com/hello/@v/v1.0.0.zip');
    assert.equal(miss.status, 200);
    assert.equal(miss.headers['content-type'], 'application/zip');
    assert.equal(miss.headers['x-modgate-cache'], 'miss');
    const hit = await rawRequest(modgate.url, '/example.com/hello/@v/v1.0.0.zip');
    assert.equal(hit.headers['x-modgate-cache'], 'hit');
    assert.equal(hit.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(hit.headers['accept-ranges'], 'bytes');
    assert.ok(hit.headers.etag && hit.headers['last-modified']);
    assert.ok(hit.body.equals(miss.body));
  });

  test('zip ranges and conditional requests', async () => {
    const path = '/example.com/hello/@v/v1.1.0.zip';
    await rawRequest(modgate.url, path); // a miss: streamed, no validators yet
    const full = await rawRequest(modgate.url, path);
    assert.equal(full.headers['x-modgate-cache'], 'hit');
    const etag = String(full.headers.etag);
    const size = full.body.length;

    const part = await rawRequest(modgate.url, path, { headers: { range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 10-19/${size}`);
    assert.ok(part.body.equals(full.body.subarray(10, 20)));

    const tail = await rawRequest(modgate.url, path, { headers: { range: 'bytes=-5' } });
    assert.ok(tail.body.equals(full.body.subarray(size - 5)));

    const bad = await rawRequest(modgate.url, path, { headers: { range: `bytes=${size}-` } });
    assert.equal(bad.status, 416);
    assert.equal(bad.headers['content-range'], `bytes */${size}`);

    const stale = await rawRequest(modgate.url, path, {
      headers: { range: 'bytes=0-1', 'if-range': '"other"' },
    });
    assert.equal(stale.status, 200);
    assert.equal(stale.body.length, size);

    const notModified = await rawRequest(modgate.url, path, { headers: { 'if-none-match': etag } });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.body.length, 0);
  });

  test('HEAD answers headers only, for hits and misses', async () => {
    const missHead = await rawRequest(modgate.url, '/example.com/big/@v/v1.0.0.zip', {
      method: 'HEAD',
    });
    assert.equal(missHead.status, 200);
    assert.equal(missHead.body.length, 0);
    const size = Number(missHead.headers['content-length']);
    assert.ok(size > 2 << 20);
    const hitHead = await rawRequest(modgate.url, '/example.com/big/@v/v1.0.0.zip', {
      method: 'HEAD',
    });
    assert.equal(hitHead.headers['x-modgate-cache'], 'hit');
    assert.equal(Number(hitHead.headers['content-length']), size);
    // Large zips are streamed from storage (small ones come from memory): ranges there too.
    const whole = await rawRequest(modgate.url, '/example.com/big/@v/v1.0.0.zip');
    const part = await rawRequest(modgate.url, '/example.com/big/@v/v1.0.0.zip', {
      headers: { range: 'bytes=1000-1999' },
    });
    assert.equal(part.status, 206);
    assert.ok(part.body.equals(whole.body.subarray(1000, 2000)));
    const infoHead = await rawRequest(modgate.url, '/example.com/hello/@v/v1.0.0.info', {
      method: 'HEAD',
    });
    assert.equal(infoHead.status, 200);
    assert.equal(infoHead.body.length, 0);
    assert.ok(Number(infoHead.headers['content-length']) > 0);
  });

  test('a branch-like .info query is resolved upstream and not stored under the query', async () => {
    const res = await rawRequest(modgate.url, '/example.com/hello/@v/main.info');
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.body.toString()) as { Version: string }).Version, 'v1.1.0');
    assert.notEqual(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(fixture.requestsFor('/example.com/hello/@v/main.info').length, 1);
  });

  test('not-found answers are remembered briefly; the go command sees 404', async () => {
    const a = await rawRequest(modgate.url, '/example.com/missing/@v/list');
    const b = await rawRequest(modgate.url, '/example.com/missing/@v/list');
    assert.equal(a.status, 404);
    assert.equal(b.status, 404);
    assert.equal(fixture.requestsFor('/example.com/missing/').length, 1);
  });

  test('request ids, health and readiness', async () => {
    const health = await rawRequest(modgate.url, '/healthz');
    assert.equal(health.status, 200);
    assert.ok(health.headers['x-request-id']);
    const echoed = await rawRequest(modgate.url, '/healthz', {
      headers: { 'x-request-id': 'ci-123' },
    });
    assert.equal(echoed.headers['x-request-id'], 'ci-123');
    // A client's id is kept when it is 1-64 plain characters, else replaced by one of ours.
    for (const id of ['trace:00f0.a_b-1', 'a'.repeat(64)]) {
      const res = await rawRequest(modgate.url, '/healthz', { headers: { 'x-request-id': id } });
      assert.equal(res.headers['x-request-id'], id);
    }
    for (const id of ['a'.repeat(65), '', 'two words', 'quo"te', '<b>x</b>', 'caf\u00e9', 'a,b']) {
      const res = await rawRequest(modgate.url, '/healthz', { headers: { 'x-request-id': id } });
      assert.match(String(res.headers['x-request-id']), /^[0-9a-f]{8}-[0-9a-z]+$/, id);
    }
    assert.equal((await rawRequest(modgate.url, '/readyz')).status, 200);
    // Break the storage: its staging directory becomes a file.
    const staging = join(modgate.dataDir, '.staging');
    await rm(staging, { recursive: true, force: true });
    await writeFile(staging, 'not a directory');
    try {
      // The last probe answers for a second (test/http/readyz.test.ts); then the break shows.
      let broken = await rawRequest(modgate.url, '/readyz');
      for (let i = 0; i < 100 && broken.status === 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        broken = await rawRequest(modgate.url, '/readyz');
      }
      assert.equal(broken.status, 503);
      assert.equal((JSON.parse(broken.body.toString()) as { ready: boolean }).ready, false);
    } finally {
      await rm(staging, { force: true });
    }
  });
});

describe('graceful shutdown', () => {
  test('in-flight downloads finish while new connections are refused', async () => {
    const fixture = await FixtureProxy.create([
      { path: 'example.com/slow', version: 'v1.0.0', files: { 'blob.bin': randomBytes(3 << 20) } },
    ]);
    fixture.zipDelayMs = 500;
    const modgate = await startModgate({ upstream: fixture.url });
    try {
      const download = rawRequest(modgate.url, '/example.com/slow/@v/v1.0.0.zip');
      await new Promise((r) => setTimeout(r, 200));
      const stopped = modgate.stop();
      const res = await download;
      assert.equal(res.status, 200);
      assert.ok(res.body.length > 3 << 20);
      await stopped;
      await assert.rejects(rawRequest(modgate.url, '/healthz'));
    } finally {
      await fixture.close();
    }
  });
});

describe('server.* connection settings', () => {
  test('a silent connection is closed at header_timeout; an answer slower than request_timeout still arrives', async () => {
    const fixture = await FixtureProxy.create([
      { path: 'example.com/slow', version: 'v1.0.0', files: { 'blob.bin': randomBytes(1 << 20) } },
    ]);
    fixture.zipDelayMs = 1500;
    const modgate = await startModgate({
      upstream: fixture.url,
      settings: { 'server.header_timeout': '300ms', 'server.request_timeout': '500ms' },
    });
    const { port } = new URL(modgate.url);
    const silent = await openSocket(Number(port));
    const silentAnswer = closedWithin(silent, 8000);
    try {
      // Receiving the request is bounded; the upstream taking longer to answer is not.
      const res = await rawRequest(modgate.url, '/example.com/slow/@v/v1.0.0.zip');
      assert.equal(res.status, 200);
      assert.ok(res.body.length > 1 << 20);
      assert.match(await silentAnswer, /^HTTP\/1\.1 408 /);
    } finally {
      silent.destroy();
      await modgate.stop();
      await fixture.close();
    }
  });
});
