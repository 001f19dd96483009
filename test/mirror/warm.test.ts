import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { warm, type WarmInput } from '../../src/mirror/index.js';

// A GOPROXY on 127.0.0.1 that wants basic authentication and knows one module version.
let server: Server;
let base = '';
const seen: string[] = [];
before(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.url ?? ''} ${req.headers.authorization ?? '-'}`);
    if (req.headers.authorization !== `Basic ${Buffer.from('ci:s3cret').toString('base64')}`) {
      res.writeHead(401).end('unauthorized\n');
      return;
    }
    const files: Record<string, string> = {
      '/example.com/a/@v/v1.0.0.mod': 'module example.com/a\n\ngo 1.21\n',
      '/example.com/a/@v/v1.0.0.info': '{"Version":"v1.0.0"}',
      '/example.com/a/@v/v1.0.0.zip': 'zip bytes',
    };
    const body = files[req.url ?? ''];
    if (body === undefined) res.writeHead(404).end('not found: no such version\nmore\n');
    else res.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const goMod = (require: string): WarmInput => ({
  name: 'go.mod',
  kind: 'go.mod',
  text: `module example.com/main\n\ngo 1.21\n\n${require}`,
  dir: '/nonexistent',
});

test('warm sends credentials from the server URL as basic auth and fetches info, mod and zip', async () => {
  seen.length = 0;
  const r = await warm([goMod('require example.com/a v1.0.0\n')], {
    server: `http://ci:s3cret@${base}/`,
    concurrency: 2,
  });
  assert.deepEqual(r.failures, []);
  assert.equal(r.fetched, 3);
  assert.equal(r.modules, 1);
  assert.deepEqual(r.set, ['example.com/a@v1.0.0']);
  assert.ok(seen.every((s) => s.endsWith(Buffer.from('ci:s3cret').toString('base64'))));
  assert.deepEqual(seen.map((s) => s.split(' ')[0]).sort(), [
    '/example.com/a/@v/v1.0.0.info',
    '/example.com/a/@v/v1.0.0.mod',
    '/example.com/a/@v/v1.0.0.zip',
  ]);
});

test('failures name the request path and the status, never the credentials', async () => {
  const bad = await warm([goMod('require example.com/b v1.0.0\n')], {
    server: `http://ci:s3cret@${base}`,
    concurrency: 1,
  });
  assert.equal(bad.failed, 2); // the .mod request, and the go.mod that needed it
  assert.deepEqual(bad.failures[0], {
    file: '/example.com/b/@v/v1.0.0.mod',
    reason: 'HTTP 404: not found: no such version',
  });
  const denied = await warm([goMod('require example.com/a v1.0.0\n')], {
    server: `http://ci:wrong@${base}`,
    concurrency: 1,
  });
  assert.match(denied.failures[0]?.reason ?? '', /^HTTP 401/);
  assert.doesNotMatch(JSON.stringify([bad, denied]), /s3cret|wrong|Basic/);
});

test('--key: the same set gives the same key, without fetching zips', async () => {
  seen.length = 0;
  const opts = { server: `http://ci:s3cret@${base}`, concurrency: 1, keyOnly: true };
  const a = await warm([goMod('require example.com/a v1.0.0\n')], opts);
  const b = await warm([goMod('require (\n\texample.com/a v1.0.0\n)\n')], opts);
  assert.equal(a.key, b.key);
  assert.match(a.key, /^[0-9a-f]{64}$/);
  assert.ok(!seen.some((s) => s.includes('.zip')));
});

test('warm keeps at most --concurrency requests in flight', async () => {
  let inFlight = 0;
  let peak = 0;
  // Answers are held until three requests wait (or 10 ms pass, so the bounded client still gets
  // answers): an unbounded client piles a third one up meanwhile. The bound holds regardless.
  const held: (() => void)[] = [];
  const releaseAll = (): void => held.splice(0).forEach((answer) => answer());
  const busy = createServer((req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    held.push(() => {
      inFlight--;
      res.writeHead(200).end(req.url?.endsWith('.mod') ? 'module x\n' : '{}');
    });
    if (held.length > 2) releaseAll();
    else setTimeout(releaseAll, 10);
  });
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  try {
    const lines = Array.from({ length: 12 }, (_, i) => `example.com/m${i} v1.0.0 h1:x=`);
    const input: WarmInput = { name: 'go.sum', kind: 'go.sum', text: lines.join('\n'), dir: '/' };
    const port = (busy.address() as AddressInfo).port;
    const r = await warm([input], { server: `http://127.0.0.1:${port}`, concurrency: 2 });
    assert.equal(r.fetched, 36);
    assert.ok(peak <= 2, `peak ${peak}`);
  } finally {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
  }
});
