import { connect, createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (for servers that need a port up front). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const addr = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (addr === null || typeof addr === 'string') throw new Error('freePort: no port');
  return addr.port;
}

/** Whether something accepts TCP connections on 127.0.0.1:port right now. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/**
 * A TCP port on 127.0.0.1 that refuses connections for the whole test: a privileged port
 * (below 1024) nothing listens on. `freePort()` is no good for "nothing listens there": the
 * system hands the same ephemeral port to the next `listen(0)` of any test running
 * concurrently, and a connection meant to be refused then reaches that test's server (a
 * conformance run once got a 404 from another test's server instead of "connection refused").
 * Port-0 binds never pick a port below 1024, and the tests bind none.
 */
export async function refusedPort(): Promise<number> {
  for (const port of [9, 1, 3, 5, 7, 11, 13, 17, 19]) {
    if (!(await canConnect(port))) return port;
  }
  throw new Error('refusedPort: every candidate port below 1024 accepts connections');
}
