import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { connect, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import type { FastContext } from '../../src/http/fast-path/fast-context.js';
import { FastConnection } from '../../src/http/fast-path/fast-connection.js';
import { request, startServer, warm } from './fast-path-support.js';

// server.send_timeout through the whole server (send-stream.test.ts tests the streamed
// answers' watch itself): a client that sends requests and reads none of the answers is cut,
// on the fast path and on node:http alike. The answers come from memory (a 64 KiB zip), many
// of them pipelined, so that they outgrow the kernel's socket buffers.
const zip = '/example.com/m/@v/v1.0.0.zip';

function connections(listener: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    listener.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );
}

/** Polls (bounded by `limitMs`) until the listener holds `n` connections. */
async function untilConnections(listener: Server, n: number, limitMs = 20_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while ((await connections(listener)) !== n) {
    if (performance.now() > deadline) throw new Error(`the server does not hold ${n} connections`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const fastPath of [true, false]) {
  test(`a client that reads none of its answers is cut after the send timeout (fast path ${fastPath ? 'on' : 'off'})`, async () => {
    // The idle timeout (a minute) never applies while answers wait to be sent.
    const s = await startServer({ fastPath, sendTimeoutMs: 300, idleTimeoutMs: 60_000 });
    try {
      await warm(s, [zip]);
      await untilConnections(s.server.listener, 0);
      const socket = connect({ port: s.port, host: '127.0.0.1' });
      socket.on('error', () => undefined);
      const closed = once(socket, 'close');
      await once(socket, 'connect');
      socket.pause(); // reads nothing: the answers pile up in the server's buffers
      // 400 × 64 KiB = 25 MiB: more than loopback's socket buffers hold.
      socket.write(request(zip).repeat(400));
      await untilConnections(s.server.listener, 1);
      // The server lets go of the connection while the client still reads nothing.
      await untilConnections(s.server.listener, 0);
      // Reading now, the client gets a cut stream: far fewer than the 400 answers, then the end.
      let bytes = 0;
      socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
      socket.resume();
      await closed;
      assert.ok(bytes < 400 * 64 * 1024, `${bytes} bytes read`);
    } finally {
      await s.stop();
    }
  });
}

/**
 * A fast connection over a stand-in socket whose output buffer holds `held()` bytes, waiting
 * for its client to take them since `since` (what serve() sets when a write finds no room).
 */
function waitingConnection(held: () => number, since: number) {
  const socket = Object.defineProperties(new EventEmitter(), {
    writableLength: { get: held },
    destroyed: { value: false, writable: true },
    destroy: {
      value() {
        socket.destroyed = true;
      },
    },
  }) as EventEmitter & { destroyed: boolean };
  const conn = new FastConnection(socket as unknown as Socket, {} as FastContext<FastConnection>);
  Object.assign(conn, { headSince: 0, waiting: true, idleSince: since, heldBefore: held() });
  return { conn, socket };
}

test('a fast connection waiting on its client: cut after the send timeout per 512 KiB held, the clock restarting when some is taken', () => {
  const MiB = 1024 * 1024;
  let held = 1 * MiB; // two pieces of 512 KiB: 2 × 1000 ms allowed
  const { conn, socket } = waitingConnection(() => held, 0);
  conn.expireIdle(1500, 15_000, 1000);
  assert.equal(socket.destroyed, false, '1.5 s < 2 s');
  held = 600 * 1024; // an answer was taken at 1.5 s: the clock restarts
  conn.expireIdle(1500, 15_000, 1000);
  conn.expireIdle(3000, 15_000, 1000);
  assert.equal(socket.destroyed, false, '1.5 s since the progress < 2 s');
  conn.expireIdle(3600, 15_000, 1000);
  assert.equal(socket.destroyed, true, '2.1 s with nothing taken');

  // The idle timeout does not apply while waiting on the client, nor the send timeout when idle.
  const idle = waitingConnection(() => 0, 0);
  Object.assign(idle.conn, { waiting: false });
  idle.conn.expireIdle(10_000, 15_000, 1000);
  assert.equal(idle.socket.destroyed, false);
  idle.conn.expireIdle(15_001, 15_000, 1000);
  assert.equal(idle.socket.destroyed, true);
});
