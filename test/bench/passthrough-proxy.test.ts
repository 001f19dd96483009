import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startPassthrough, type BenchServer } from '../../bench/servers.js';
import { refusedPort } from '../support/net.js';
import { rawRequest } from '../support/raw-request.js';

// go-download's floor (bench/passthrough-proxy.ts), run as the bench runs it: its own process
// in front of an upstream (here a node:http server) and, for floor-lookup, a checksum database.

const MOD = 'module example.com/a\n';
const ZIP = Buffer.alloc(300_000, 7);

describe('the pass-through proxy (go-download floor)', () => {
  let upstream: Server;
  let upstreamUrl: string;
  const seen: string[] = [];
  const proxies: BenchServer[] = [];

  before(async () => {
    upstream = createServer((req, res) => {
      const path = req.url ?? '';
      seen.push(`${req.method} ${path}`);
      if (path === '/example.com/a/@v/v1.0.0.mod' || path === '/example.com/b/@v/v1.0.0.mod') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-other': 'no' });
        res.end(MOD);
      } else if (path === '/example.com/a/@v/v1.0.0.zip') {
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': ZIP.length });
        res.end(req.method === 'HEAD' ? undefined : ZIP);
      } else if (path === '/example.com/gone/@v/v1.0.0.mod') {
        res.writeHead(410, { 'content-type': 'text/plain' });
        res.end('gone\n');
      } else if (path === '/example.com/cut/@v/v1.0.0.zip') {
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': 1000 });
        res.write(Buffer.alloc(10));
        setTimeout(() => res.destroy(), 50);
      } else if (path === '/db/lookup/example.com/a@v1.0.0') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('1\nexample.com/a v1.0.0 h1:x=\n');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
      }
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const addr = upstream.address();
    if (addr === null || typeof addr === 'string') throw new Error('no address');
    upstreamUrl = `http://127.0.0.1:${addr.port}`;
  });
  after(async () => {
    for (const p of proxies) await p.stop();
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });
  const start = async (opts: { upstream?: string; sumdb?: string } = {}): Promise<string> => {
    const p = await startPassthrough({ upstream: opts.upstream ?? upstreamUrl, sumdb: opts.sumdb });
    proxies.push(p);
    return p.url;
  };

  test('streams status, type, length and body back, and nothing else', async () => {
    const url = await start();
    const zip = await rawRequest(url, '/example.com/a/@v/v1.0.0.zip');
    assert.equal(zip.status, 200);
    assert.equal(zip.headers['content-type'], 'application/zip');
    assert.equal(zip.headers['content-length'], String(ZIP.length));
    assert.deepEqual(zip.body, ZIP);
    const mod = await rawRequest(url, '/example.com/a/@v/v1.0.0.mod');
    assert.equal(mod.status, 200);
    assert.equal(mod.body.toString(), MOD);
    assert.equal(mod.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(mod.headers['x-other'], undefined);
    const head = await rawRequest(url, '/example.com/a/@v/v1.0.0.zip', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(ZIP.length));
    assert.equal(head.body.length, 0);
  });

  test('passes 404 and 410 through; other methods are 405', async () => {
    const url = await start();
    assert.equal((await rawRequest(url, '/example.com/none/@v/v1.0.0.mod')).status, 404);
    const gone = await rawRequest(url, '/example.com/gone/@v/v1.0.0.mod');
    assert.equal(gone.status, 410);
    assert.equal(gone.body.toString(), 'gone\n');
    const post = await rawRequest(url, '/example.com/a/@v/v1.0.0.mod', { method: 'POST' });
    assert.equal(post.status, 405);
  });

  test('an unreachable upstream is a 502; a body cut short upstream cuts the answer', async () => {
    const down = await start({ upstream: `http://127.0.0.1:${await refusedPort()}` });
    assert.equal((await rawRequest(down, '/example.com/a/@v/v1.0.0.mod')).status, 502);
    const url = await start();
    await assert.rejects(rawRequest(url, '/example.com/cut/@v/v1.0.0.zip'));
    // The proxy still answers afterwards.
    assert.equal((await rawRequest(url, '/example.com/a/@v/v1.0.0.mod')).status, 200);
  });

  test('floor-lookup: a .mod waits for its lookup; a version the database refuses is a 502', async () => {
    const url = await start({ sumdb: `${upstreamUrl}/db` });
    seen.length = 0;
    const mod = await rawRequest(url, '/example.com/a/@v/v1.0.0.mod');
    assert.equal(mod.status, 200);
    assert.equal(mod.body.toString(), MOD);
    assert.deepEqual(seen.toSorted(), [
      'GET /db/lookup/example.com/a@v1.0.0',
      'GET /example.com/a/@v/v1.0.0.mod',
    ]);
    // Only .mod requests are looked up.
    seen.length = 0;
    assert.equal((await rawRequest(url, '/example.com/a/@v/v1.0.0.zip')).status, 200);
    assert.deepEqual(seen, ['GET /example.com/a/@v/v1.0.0.zip']);
    // b has no record in the database (its lookup is a 404): refused.
    assert.equal((await rawRequest(url, '/example.com/b/@v/v1.0.0.mod')).status, 502);
    // A missing .mod stays a 404 whatever the database says.
    assert.equal((await rawRequest(url, '/example.com/none/@v/v1.0.0.mod')).status, 404);
  });
});
