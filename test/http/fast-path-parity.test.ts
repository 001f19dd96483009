import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  comparable,
  RawClient,
  request,
  startServer,
  warm,
  type TestServer,
} from './fast-path-support.js';

/**
 * The fast path's answers are node:http's: for cached files, the bytes a server with the fast
 * path sends equal those of one with `fastPath: false` (Date and X-Request-Id aside), and the
 * fast server's node:http saw none of those requests.
 */
describe('fast path: the same answers as node:http', () => {
  const paths = [
    '/example.com/m/@v/list',
    '/example.com/m/@latest',
    '/example.com/m/@v/v1.0.0.info',
    '/example.com/m/@v/v1.0.0.mod',
    '/example.com/m/@v/v1.0.0.zip',
    '/example.com/m/@v/v1.0.0.zip?x=1',
    '/github.com/!azure/go-x/@v/v1.1.0.info',
    '/github.com/!azure/go-x/@v/list',
  ];
  let fast: TestServer;
  let slow: TestServer;

  before(async () => {
    fast = await startServer();
    slow = await startServer({ fastPath: false });
    await warm(fast, paths);
    await warm(slow, paths);
  });
  after(async () => {
    await fast.stop();
    await slow.stop();
  });

  /** The responses to `requests` (one write, pipelined) on a new connection to `server`. */
  async function ask(server: TestServer, requests: [string, string, string[]?][]) {
    const c = await RawClient.open(server.port);
    try {
      c.send(requests.map(([method, path, extra]) => request(path, method, extra)).join(''));
      return await c.responses(requests.map(([method]) => method === 'HEAD'));
    } finally {
      c.close();
    }
  }

  test('GET of every cached kind, one request per connection', async () => {
    for (const path of paths) {
      const before = fast.nodeRequests();
      const [a] = await ask(fast, [['GET', path]]);
      const [b] = await ask(slow, [['GET', path]]);
      assert.ok(a !== undefined && b !== undefined);
      assert.equal(a.status, 200, path);
      assert.match(a.head.join('\n'), /\nx-modgate-cache: hit\n/, path);
      assert.equal(comparable(a), comparable(b), path);
      assert.equal(fast.nodeRequests(), before, `${path}: answered on the fast path`);
    }
  });

  test('pipelined GETs and HEADs of lists, infos and mods; Connection: keep-alive and close', async () => {
    const requests: [string, string, string[]?][] = [
      ['GET', paths[0] ?? ''],
      ['HEAD', paths[0] ?? ''],
      ['HEAD', paths[1] ?? '', ['Connection: keep-alive']],
      ['GET', paths[2] ?? '', ['User-Agent: Go-http-client/1.1', 'Accept-Encoding: gzip']],
      ['GET', paths[3] ?? '', ['x-request-id:  ci-42 ']],
      ['GET', paths[6] ?? '', ['Connection: close']],
    ];
    const a = await ask(fast, requests);
    const b = await ask(slow, requests);
    assert.deepEqual(a.map(comparable), b.map(comparable));
    assert.ok(a[4]?.head.includes('x-request-id: ci-42'), 'the client id, trimmed');
    assert.ok(a[5]?.head.includes('Connection: close'));
  });

  test('HEAD of a zip and of an .info (node:http writes the zip HEAD: its answer is a stream)', async () => {
    const requests: [string, string, string[]?][] = [
      ['HEAD', paths[2] ?? ''],
      ['HEAD', paths[4] ?? ''],
      ['GET', paths[0] ?? ''],
    ];
    const a = await ask(fast, requests);
    const b = await ask(slow, requests);
    assert.deepEqual(a.map(comparable), b.map(comparable));
    assert.equal(a[1]?.body.length, 0);
    assert.match(a[1]?.head.join('\n') ?? '', /\ncontent-length: \d+\n/);
  });

  test('each answer has its own request id', async () => {
    const a = await ask(fast, [
      ['GET', paths[2] ?? ''],
      ['GET', paths[2] ?? ''],
    ]);
    const ids = a.map((r) => r.head.find((l) => l.startsWith('x-request-id: ')));
    assert.match(ids[0] ?? '', /^x-request-id: [0-9a-f]{8}-[0-9a-z]+$/);
    assert.notEqual(ids[0], ids[1]);
  });

  test('the access line of a fast answer is the one node:http writes', async () => {
    const path = '/example.com/m/@v/v1.0.0.mod';
    const pick = (s: TestServer): Record<string, unknown> => {
      const line = s.lines().at(-1) ?? {};
      return { ...line, time: '*', ms: typeof line.ms };
    };
    await ask(fast, [['GET', path, ['x-request-id: line-1']]]);
    await ask(slow, [['GET', path, ['x-request-id: line-1']]]);
    assert.deepEqual(pick(fast), pick(slow));
    const { pid: _pid, hostname: _host, ...line } = pick(fast);
    assert.deepEqual(
      { ...line, time: undefined },
      {
        level: 30,
        time: undefined,
        reqId: 'line-1',
        method: 'GET',
        path,
        status: 200,
        bytes: 21,
        cache: 'hit',
        ms: 'number',
        complete: true,
        client: '127.0.0.1', // issue 14: the client address (no user: anonymous)
        msg: 'request',
      },
    );
    // Connection: close, and a HEAD: the same lines too.
    for (const [method, extra] of [
      ['GET', ['Connection: close', 'x-request-id: line-2']],
      ['HEAD', ['x-request-id: line-3']],
    ] as const) {
      await ask(fast, [[method, paths[0] ?? '', [...extra]]]);
      await ask(slow, [[method, paths[0] ?? '', [...extra]]]);
      assert.deepEqual(pick(fast), pick(slow), method);
    }
  });

  test('answers a client closed on before they were sent are logged 499, as node:http does', async () => {
    const zip = '/example.com/m/@v/v1.0.0.zip';
    const before = fast.lines().length;
    const c = await RawClient.open(fast.port);
    c.socket.pause();
    c.send(request(zip).repeat(200));
    // Bounded wait for the server to stop reading (its output backed up), then go away.
    const deadline = performance.now() + 20_000;
    while (fast.lines().length === before && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    c.close();
    let lines: Record<string, unknown>[] = [];
    while (performance.now() < deadline) {
      lines = fast.lines().slice(before);
      if (lines.some((l) => l.status === 499)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok(lines.length > 0);
    for (const l of lines) {
      const sent = l.status === 200 && l.complete === true;
      const cut = l.status === 499 && l.complete === false;
      assert.ok(sent || cut, JSON.stringify(l));
    }
    assert.ok(
      lines.some((l) => l.status === 499),
      'some were never sent',
    );
  });
});
