import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { buildConnector } from 'undici';
import { HttpClient } from '../../src/upstream/http-client.js';
import { guardedConnector } from '../../src/upstream/guarded-connector.js';

/** A server that accepts and hangs up at once. */
async function hangupServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function connectWith(connector: buildConnector.connector, port: number): Promise<Socket> {
  return new Promise((resolve, reject) =>
    connector(
      { hostname: '127.0.0.1', host: '127.0.0.1', protocol: 'http:', port: String(port) },
      (err, socket) =>
        err !== null || socket === null ? reject(err ?? new Error('no socket')) : resolve(socket),
    ),
  );
}

/** Whether a 'close' listener attached only after the socket closed still hears it. */
async function lateListenerHearsClose(connector: buildConnector.connector): Promise<boolean> {
  const srv = await hangupServer();
  try {
    const socket = await connectWith(connector, srv.port);
    // Like undici while its parser compiles: nobody listens until the socket is gone.
    await new Promise<void>((r) => {
      const wait = (): void => void (socket.destroyed ? r() : setTimeout(wait, 5));
      wait();
    });
    await new Promise((r) => setTimeout(r, 50));
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 3000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  } finally {
    await srv.close();
  }
}

test('the first request of a process to a server that hangs up fails at once, not at the deadline', async () => {
  // The first test of this file: in a fresh process undici is still compiling its parser
  // here, and without the guard this request waited for its deadline and HttpClient.close()
  // never returned.
  const srv = await hangupServer();
  const c = new HttpClient({
    connectTimeoutMs: 2000,
    maxConnections: 2,
    userAgent: 'modgate-test',
  });
  try {
    const err = await c
      .get(new URL(`http://127.0.0.1:${srv.port}/x`), { label: 'fetching x', timeoutMs: 5000 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof Error);
    assert.match(err.message, /^fetching x: connection (closed by the other side|reset)/);
  } finally {
    await srv.close();
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      c.close().then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 3000))),
    ]);
    clearTimeout(timer);
    assert.ok(closed, 'HttpClient.close() did not return');
  }
});

test("a socket that closed before undici listened has its 'close' replayed", async () => {
  assert.equal(await lateListenerHearsClose(buildConnector({ timeout: 2000 })), false);
  assert.equal(await lateListenerHearsClose(guardedConnector({ timeout: 2000 })), true);
});
