import type { Socket } from 'node:net';
import { buildConnector, Client, Pool, type Dispatcher } from 'undici';

/** How long a closed socket waits for undici to start listening before it is given up. */
const REPLAY_WINDOW_MS = 30_000;
const REPLAY_POLL_MS = 5;

/**
 * An undici connector, with one race closed.
 *
 * undici 6 attaches its listeners to a new socket only after awaiting its HTTP/1 parser, a
 * WebAssembly module it compiles once per process, when it is first imported. A server that
 * closes a connection while that compile is still running (the first connections of a process:
 * `modgate warm` fetches at once; an upstream or outbound proxy that accepts and hangs up)
 * closes it unseen: the request then waits on a dead socket forever — no abort reaches it
 * (undici only aborts requests it has started writing) and `Agent.close()` waits for it too.
 *
 * The guarded connector notices a socket that closed before undici listened to it, and emits
 * that 'close' again once undici listens, so undici fails or retries the request as it does
 * for any connection the other side closed.
 */
export function guardConnector(connect: buildConnector.connector): buildConnector.connector {
  return (opts, callback) => {
    connect(opts, (err, socket) => {
      if (err !== null || socket === null) {
        callback(err ?? new Error('connect failed'), null);
        return;
      }
      replayUnseenClose(socket);
      callback(null, socket);
    });
  };
}

/** undici's own connector for `options`, guarded. */
export function guardedConnector(options: buildConnector.BuildOptions): buildConnector.connector {
  return guardConnector(buildConnector(options));
}

/**
 * `clientFactory` and `factory` for a ProxyAgent: undici 6's defaults (a Pool; a Client for
 * `connections: 1`), with the connector each is given guarded. ProxyAgent builds connectors
 * of its own, which its `connect` option does not reach: the one for connections to the proxy
 * (given to `clientFactory` for the pool CONNECT tunnels are asked on, and to `factory` by the
 * wrapper that sends http requests to the proxy in absolute form) and the one that opens a
 * tunnel (given to `factory` for each upstream origin's pool). A tunnel's socket was guarded
 * as a connection to the proxy too; of two guards only the last to hear a 'close' nobody else
 * heard replays it.
 */
export const guardedProxyFactories = {
  clientFactory: (origin: URL, opts: object): Dispatcher => new Pool(origin, withGuard(opts)),
  factory: (origin: string | URL, opts: object): Dispatcher => {
    const options = withGuard(opts, failOnProxyHangup);
    return options.connections === 1 ? new Client(origin, options) : new Pool(origin, options);
  },
};

/**
 * `opts` with its connector function, if it has one, guarded (an object is left as it is), and
 * wrapped by `wrap` before.
 */
function withGuard(
  opts: object,
  wrap: (c: buildConnector.connector) => buildConnector.connector = (c) => c,
): Pool.Options {
  const options = opts as Pool.Options;
  const { connect } = options;
  return typeof connect === 'function'
    ? { ...options, connect: guardConnector(wrap(connect)) }
    : options;
}

/**
 * A connector whose socket error (the proxy closed the connection before answering CONNECT)
 * becomes a plain connect failure. On a connect failure undici 6 fails the requests waiting for
 * the connection, except for a socket error: then it keeps them and connects again at once, so a
 * proxy that hangs up on every CONNECT was asked again and again (~1,900 times a second on
 * loopback) until each request's deadline. Now such a request fails like one whose proxy
 * refused the connection, and what retries upstream calls decides about trying again.
 */
function failOnProxyHangup(connect: buildConnector.connector): buildConnector.connector {
  return (opts, callback) => {
    connect(opts, (err, socket) => {
      if (err === null || (err as { code?: unknown }).code !== 'UND_ERR_SOCKET') {
        (callback as (e: Error | null, s: Socket | null) => void)(err, socket);
        return;
      }
      callback(
        new Error('the proxy closed the connection without answering', { cause: err }),
        null,
      );
    });
  };
}

function replayUnseenClose(socket: Socket): void {
  socket.once('close', (hadError: boolean) => {
    // undici's own 'close' listener is there: it saw this close.
    if (socket.listenerCount('close') > 0) return;
    const deadline = Date.now() + REPLAY_WINDOW_MS;
    const replay = (): void => {
      if (socket.listenerCount('close') > 0) socket.emit('close', hadError);
      else if (Date.now() < deadline) setTimeout(replay, REPLAY_POLL_MS).unref();
    };
    setTimeout(replay, REPLAY_POLL_MS).unref();
  });
}
