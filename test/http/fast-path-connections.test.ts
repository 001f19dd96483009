import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { RawClient, request, startServer, warm } from './fast-path-support.js';

const hit = '/example.com/m/@v/v1.0.0.mod';
const zip = '/example.com/m/@v/v1.0.0.zip';

/** Waits (bounded: `limitMs`, polling each turn of the event loop) until `ok()` holds. */
async function until(ok: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error(`not in time: ${what}`);
    await tick();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The sockets of the fast path's connections: each accepted connection's handle moves to a
 * socket of its own (shared-read-socket.ts), which the listener's 'connection' event does not
 * show.
 */
function fastSockets(server: object): Socket[] {
  const fast = (server as { fast?: { connections: Set<{ socket: Socket }> } }).fast;
  return [...(fast?.connections ?? [])].map((conn) => conn.socket);
}

describe('fast path: connections', () => {
  test('an idle keep-alive connection is closed after the idle timeout', async () => {
    const s = await startServer({ idleTimeoutMs: 200 });
    try {
      await warm(s, [hit]);
      const warmed = s.nodeRequests();
      const c = await RawClient.open(s.port);
      c.send(request(hit));
      const [r] = await c.responses([false]);
      assert.ok(r?.head.includes('Keep-Alive: timeout=0'));
      await c.waitClosed();
      assert.equal(s.nodeRequests(), warmed, 'only the warm-up went to node:http');
    } finally {
      await s.stop();
    }
  });

  test('a head split over reads is answered whole while other connections read in between', async () => {
    // Every fast connection reads into one shared buffer: the part of a head kept between
    // reads must be a copy, not a view the next connection's read overwrites.
    const s = await startServer();
    try {
      await warm(s, [zip, hit]);
      const warmed = s.nodeRequests();
      const whole = request(zip);
      const split = whole.indexOf('.zip') + 4;
      const a = await RawClient.open(s.port);
      a.send(whole.slice(0, split));
      const b = await RawClient.open(s.port);
      for (let i = 0; i < 3; i++) {
        b.send(request(hit));
        await b.responses([false]);
      }
      a.send(whole.slice(split));
      const [r] = await a.responses([false]);
      assert.equal(r?.status, 200);
      assert.ok(r.head.includes('content-type: application/zip'), r.head.join('\n'));
      assert.equal(s.nodeRequests(), warmed, 'answered on the fast path');
      a.close();
      b.close();
    } finally {
      await s.stop();
    }
  });

  test('a head not complete within the header timeout gets 408 and the connection closes', async () => {
    const s = await startServer({ headerTimeoutMs: 200 });
    try {
      const c = await RawClient.open(s.port);
      c.send(`GET ${hit} HTTP/1.1\r\nHost: x\r\n`);
      await c.waitClosed();
      assert.equal(c.text(), 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
      // Nothing sent at all: the same, as node:http.
      const quiet = await RawClient.open(s.port);
      await quiet.waitClosed();
      assert.match(quiet.text(), /^HTTP\/1\.1 408 /);
    } finally {
      await s.stop();
    }
  });

  test('Connection: close closes after the answer; later requests are not read', async () => {
    const s = await startServer();
    try {
      await warm(s, [hit]);
      const c = await RawClient.open(s.port);
      c.send(request(hit, 'GET', ['Connection: close']) + request(hit));
      const [r] = await c.responses([false]);
      assert.ok(r?.head.includes('Connection: close'));
      await c.waitClosed();
      assert.equal(c.text(), '', 'one answer only');
    } finally {
      await s.stop();
    }
  });

  test('a client pipelining 10,000 requests without reading makes the server stop reading', async () => {
    const s = await startServer();
    try {
      await warm(s, [zip]);
      const warmed = s.nodeRequests();
      let serverSide: Socket | undefined;
      s.server.listener.once('connection', (socket: Socket) => (serverSide = socket));
      const c = await RawClient.open(s.port);
      c.socket.pause(); // reads nothing
      c.send(request(zip).repeat(10_000)); // 10,000 answers of 64 KiB: 640 MiB if all written
      await until(() => serverSide?.isPaused() === true, 'the server paused its socket');
      const socket = serverSide as Socket;
      // Unread answers held by the server: about one batch past the high-water mark.
      assert.ok(
        socket.writableLength < 1024 * 1024,
        `${socket.writableLength} bytes waiting to be written`,
      );
      // Reading again, the answers come, whole and in order.
      c.socket.resume();
      const answers = await c.responses(Array<boolean>(20).fill(false));
      for (const a of answers) assert.equal(a.status, 200);
      assert.equal(s.nodeRequests(), warmed, 'only the warm-up went to node:http');
      c.close();
    } finally {
      await s.stop();
    }
  });

  test('stop while an answer is awaited on the fast path: it is written, then the connection closes', async () => {
    const s = await startServer({ shutdownGraceMs: 20_000 });
    let stopped: Promise<void> | undefined;
    try {
      const c = await RawClient.open(s.port);
      c.send(request('/example.com/slow/@v/v1.0.0.mod'));
      await until(() => s.slowStarted() === 1, 'the upstream was asked');
      stopped = s.stop();
      const [r] = await c.responses([false]);
      assert.equal(r?.status, 200);
      assert.equal(r?.body.toString(), 'module example.com/slow\n');
      await c.waitClosed();
      assert.equal(s.nodeRequests(), 0, 'answered on the fast path');
    } finally {
      await (stopped ?? s.stop());
    }
  });

  test('stop: idle fast connections close at once, busy ones finish sending first', async () => {
    const s = await startServer({ shutdownGraceMs: 20_000 });
    let stopped: Promise<void> | undefined;
    try {
      await warm(s, [zip, hit]);
      const idle = await RawClient.open(s.port);
      idle.send(request(hit));
      await idle.responses([false]);
      const busy = await RawClient.open(s.port);
      busy.socket.pause();
      busy.send(request(zip).repeat(200));
      await until(
        () => fastSockets(s.server).some((socket) => socket.writableNeedDrain),
        'the busy connection is backed up',
      );
      stopped = s.stop();
      await idle.waitClosed();
      assert.equal(busy.closed, false, 'the busy connection is still sending');
      busy.socket.resume();
      await stopped;
      await busy.waitClosed();
      // What was sent is whole answers: the last one is not cut short.
      const got: number[] = [];
      for (;;) {
        try {
          const [r] = await busy.responses([false], 1000);
          got.push(r?.status ?? 0);
        } catch {
          break;
        }
      }
      assert.ok(got.length > 0 && got.every((status) => status === 200), `${got.length} answers`);
      assert.equal(busy.text(), '', 'no partial answer left');
    } finally {
      await (stopped ?? s.stop());
    }
  });
});
