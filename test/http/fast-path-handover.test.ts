import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  RawClient,
  request,
  shortMaxAgeAside,
  startServer,
  warm,
  type TestServer,
} from './fast-path-support.js';

/**
 * Whatever the fast path is not sure of goes to node:http with the rest of its connection:
 * for each case, the bytes a fast-path server sends are those of a server with
 * `fastPath: false` given the same bytes (Date and request ids aside).
 */
describe('fast path: hand-over to node:http', () => {
  const hit = '/example.com/m/@v/v1.0.0.mod';
  const hit2 = '/example.com/m/@v/list';
  let fast: TestServer;
  let slow: TestServer;

  before(async () => {
    fast = await startServer();
    slow = await startServer({ fastPath: false });
    for (const s of [fast, slow]) await warm(s, [hit, hit2, '/example.com/m/@v/v1.0.0.zip']);
  });
  after(async () => {
    await fast.stop();
    await slow.stop();
  });

  /**
   * Everything `server` sends for `bytes` (then a Connection: close request) until it closes;
   * with `first`, that request is answered first on the same connection (so the hand-over
   * happens mid-connection, with node:http's answer to it finished as on the other server).
   */
  async function exchange(
    server: TestServer,
    bytes: string | string[],
    first: string | undefined,
  ): Promise<string> {
    const c = await RawClient.open(server.port);
    try {
      if (first !== undefined) {
        c.send(request(first));
        await c.responses([false]);
      }
      const parts = Array.isArray(bytes) ? bytes : [bytes];
      for (const part of parts) {
        await new Promise<void>((resolve) =>
          c.socket.write(Buffer.from(part, 'latin1'), () => resolve()),
        );
      }
      c.send(request('/healthz', 'GET', ['Connection: close']));
      await c.waitClosed();
      return shortMaxAgeAside(
        c
          .text()
          // (etag and last-modified too: each server stored the file at its own time)
          .replace(/^(Date|x-request-id|etag|last-modified): .*$/gm, '$1: *')
          .replace(/[0-9a-f]{8}-[0-9a-z]+/g, '<id>'),
      );
    } finally {
      c.close();
    }
  }

  /** The same bytes to both servers: the same answer; and whether node:http saw requests. */
  async function same(
    bytes: string | string[],
    label: string,
    first?: string,
  ): Promise<{ text: string; toNode: number }> {
    const before = fast.nodeRequests();
    const a = await exchange(fast, bytes, first);
    const b = await exchange(slow, bytes, first);
    assert.equal(a, b, label);
    return { text: a, toNode: fast.nodeRequests() - before };
  }

  const crlf = (...lines: string[]): string => lines.join('\r\n');

  test('a miss as the first request, then the same file pipelined: waited for, in order', async () => {
    // Not compared with node:http here: it asks for both at once (two misses sharing one
    // fetch), the fast path for one after the other (a miss, then a hit).
    const path = '/example.com/first/@v/v1.0.0.mod';
    const before = fast.nodeRequests();
    const c = await RawClient.open(fast.port);
    try {
      c.send(request(path) + request(path));
      const [a, b] = await c.responses([false, false]);
      assert.ok(a?.head.includes('x-modgate-cache: miss'));
      assert.ok(b?.head.includes('x-modgate-cache: hit'));
      assert.equal(a?.body.toString(), 'module example.com/first\n');
      assert.deepEqual(a?.body, b?.body);
      assert.equal(fast.nodeRequests(), before, 'both on the fast path');
    } finally {
      c.close();
    }
  });

  test('a miss that fails (a zip refused by the zip rules): node:http answers it', async () => {
    const path = '/example.com/third/@v/v1.0.0.zip';
    const r = await same(request(path) + request(hit), 'failing miss');
    assert.match(r.text, /^HTTP\/1\.1 502 Bad Gateway\r\n/);
    assert.equal(r.toNode, 3, 'the zip, the hit after it and /healthz');
  });

  test('hit, miss, hit pipelined in one write: answered in order', async () => {
    const miss = '/example.com/second/@v/v1.0.0.info';
    const r = await same(request(hit) + request(miss) + request(hit2), 'pipelined');
    assert.match(r.text, /module example\.com\/m[^]*"v1\.0\.0"[^]*v1\.0\.0\nv1\.1\.0/);
    assert.equal(r.toNode, 1, 'all on the fast path (only /healthz went to node:http)');
  });

  test('a chunked GET body in the middle of a pipeline', async () => {
    const chunked = crlf(
      `GET ${hit} HTTP/1.1`,
      'Host: x',
      'Transfer-Encoding: chunked',
      '',
      '5',
      'hello',
      '0',
      '',
      '',
    );
    const r = await same(request(hit2) + chunked + request(hit2), 'chunked');
    assert.equal((r.text.match(/HTTP\/1\.1 200 OK/g) ?? []).length, 4);
  });

  test("smuggling shapes and malformed heads get node:http's answer", async () => {
    const cases: [string, string][] = [
      [
        'CL+TE',
        crlf(
          `GET ${hit} HTTP/1.1`,
          'Host: x',
          'Content-Length: 5',
          'Transfer-Encoding: chunked',
          '',
          '0',
          '',
          '',
        ),
      ],
      [
        'two Content-Length',
        crlf(`GET ${hit} HTTP/1.1`, 'Host: x', 'Content-Length: 0', 'Content-Length: 5', '', ''),
      ],
      ['space before colon', crlf(`GET ${hit} HTTP/1.1`, 'Host : x', '', '')],
      ['two Hosts', crlf(`GET ${hit} HTTP/1.1`, 'Host: x', 'Host: y', '', '')],
      ['no Host', crlf(`GET ${hit} HTTP/1.1`, 'Accept: */*', '', '')],
      ['obs-fold', crlf(`GET ${hit} HTTP/1.1`, 'Host: x', 'X-A: a', ' b', '', '')],
      ['bare LF', `GET ${hit} HTTP/1.1\nHost: x\n\n`],
      ['bare LF inside', `GET ${hit} HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n`],
      ['bare CR', `GET ${hit} HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n`],
      ['NUL in a field', crlf(`GET ${hit} HTTP/1.1`, 'Host: x', 'X-A: a\0b', '', '')],
      ['two spaces in the request line', crlf(`GET  ${hit} HTTP/1.1`, 'Host: x', '', '')],
      ['lower-case method', crlf(`get ${hit} HTTP/1.1`, 'Host: x', '', '')],
      ['HTTP/1.0', crlf(`GET ${hit} HTTP/1.0`, 'Host: x', '', '')],
      ['HTTP/2.0', crlf(`GET ${hit} HTTP/2.0`, 'Host: x', '', '')],
      [
        'Expect: 100-continue',
        crlf(`GET ${hit} HTTP/1.1`, 'Host: x', 'Expect: 100-continue', '', ''),
      ],
      ['absolute-form', crlf(`GET http://x${hit} HTTP/1.1`, 'Host: x', '', '')],
      ['OPTIONS *', crlf('OPTIONS * HTTP/1.1', 'Host: x', '', '')],
      ['POST with a body', crlf(`POST ${hit} HTTP/1.1`, 'Host: x', 'Content-Length: 2', '', 'hi')],
      [
        'Upgrade',
        crlf(`GET ${hit} HTTP/1.1`, 'Host: x', 'Connection: Upgrade', 'Upgrade: h2c', '', ''),
      ],
      [
        'Connection: other',
        crlf(`GET ${hit} HTTP/1.1`, 'Host: x', 'Connection: keep-alive, x', '', ''),
      ],
      [
        'Range on a zip',
        crlf('GET /example.com/m/@v/v1.0.0.zip HTTP/1.1', 'Host: x', 'Range: bytes=0-3', '', ''),
      ],
      [
        'If-None-Match',
        crlf('GET /example.com/m/@v/v1.0.0.zip HTTP/1.1', 'Host: x', 'If-None-Match: "x"', '', ''),
      ],
      ['a fragment', crlf(`GET ${hit}#x HTTP/1.1`, 'Host: x', '', '')],
      ['non-ASCII in a value', crlf(`GET ${hit} HTTP/1.1`, 'Host: x', 'X-A: \xe9', '', '')],
      ['an invalid module path', request('/Example.com/m/@v/list')],
      ['/healthz and /', request('/healthz') + request('/')],
      ['not a GOPROXY path', request('/favicon.ico')],
    ];
    for (const [label, bytes] of cases) {
      // After a hit on the fast path, so the hand-over happens mid-connection.
      await same(bytes, label, hit);
    }
  });

  test('a request in a few pieces is answered on the fast path', async () => {
    const bytes = request(hit2);
    const r = await same([bytes.slice(0, 5), bytes.slice(5, 30), bytes.slice(30)], 'pieces');
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n[^]*v1\.1\.0\n/);
    assert.equal(r.toNode, 1, 'only /healthz went to node:http');
  });

  test('a request split byte by byte: node:http reads the rest of it', async () => {
    const bytes = request(hit2);
    const r = await same([...bytes], 'byte by byte');
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n[^]*v1\.1\.0\n/);
  });

  test('a head larger than node:http allows: its 431', async () => {
    const big = crlf(`GET ${hit} HTTP/1.1`, 'Host: x', `X-Big: ${'a'.repeat(20_000)}`, '', '');
    const r = await same(big, 'oversized', hit);
    assert.match(r.text, /HTTP\/1\.1 431 /);
  });
});
