/**
 * The connection steps the go command takes to reach a URL, each bounded by the probe timeout
 * and the run's abort signal, each failing with a NetworkFailure naming its stage: resolve the
 * first hop (the outbound proxy when one applies — the proxy resolves the target itself), TCP
 * connect, `CONNECT host:port` through the proxy (https targets; with Basic credentials from the
 * proxy URL, as Go sends them), then TLS with the server name against the go command's roots.
 */
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import {
  checkServerIdentity,
  connect as tlsConnectRaw,
  type PeerCertificate,
  type TLSSocket,
} from 'node:tls';
import type { Duplex } from 'node:stream';
import { NetworkFailure, errorCode } from './network-failure.js';
import type { ProxyDecision } from './go-proxy-rules.js';
import { hostOf } from './go-proxy-rules.js';

export interface ProbeLimits {
  timeoutMs: number;
  signal: AbortSignal;
}

/** Runs `start` until it settles, the timeout passes (TIMEOUT) or the signal aborts (ABORTED). */
export function bounded<T>(
  stage: NetworkFailure['stage'],
  limits: ProbeLimits,
  start: (settle: { cleanup: (fn: () => void) => void }) => Promise<T>,
  timeoutMessage: string,
): Promise<T> {
  const started = Date.now();
  const cleanups: (() => void)[] = [];
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      limits.signal.removeEventListener('abort', onAbort);
      fn();
    };
    const fail = (code: string, message: string): void =>
      finish(() => {
        for (const c of cleanups) c();
        reject(new NetworkFailure(stage, code, message, Date.now() - started));
      });
    const timer = setTimeout(() => fail('TIMEOUT', timeoutMessage), limits.timeoutMs);
    const onAbort = (): void => fail('ABORTED', 'the doctor run was stopped');
    if (limits.signal.aborted) return onAbort();
    limits.signal.addEventListener('abort', onAbort, { once: true });
    start({ cleanup: (fn) => cleanups.push(fn) }).then(
      (value) => finish(() => resolve(value)),
      (error: unknown) =>
        finish(() => {
          for (const c of cleanups) c();
          reject(
            error instanceof NetworkFailure
              ? error
              : new NetworkFailure(
                  stage,
                  errorCode(error),
                  String((error as Error).message ?? error),
                ),
          );
        }),
    );
  });
}

/** All addresses of a name, as the go command's resolver (getaddrinfo) would answer. */
export async function resolveHost(host: string, limits: ProbeLimits): Promise<LookupAddress[]> {
  if (isIP(host) !== 0) return [{ address: host, family: isIP(host) }];
  try {
    return await bounded(
      'dns',
      limits,
      () => lookup(host, { all: true }),
      `no DNS answer for ${host}`,
    );
  } catch (error) {
    if (error instanceof NetworkFailure) error.where ??= host;
    throw error;
  }
}

/** A TCP connection to host:port: every address in turn until one accepts. */
export async function connectTcp(
  host: string,
  port: number,
  limits: ProbeLimits,
): Promise<{ socket: Socket; address: string; ms: number }> {
  const addresses = await resolveHost(host, limits);
  let first: NetworkFailure | undefined;
  // One deadline for all addresses, as Go's dialer shares its timeout across them.
  const deadline = Date.now() + limits.timeoutMs;
  for (const { address } of addresses) {
    const started = Date.now();
    if (first !== undefined && started >= deadline) break;
    try {
      const socket = await bounded(
        'tcp',
        { timeoutMs: Math.max(deadline - started, 1), signal: limits.signal },
        ({ cleanup }) =>
          new Promise<Socket>((resolve, reject) => {
            const s = netConnect({ host: address, port });
            cleanup(() => s.destroy());
            s.once('connect', () => {
              s.removeAllListeners('error');
              resolve(s);
            });
            s.once('error', reject);
          }),
        `no answer from ${host}:${port}`,
      );
      return { socket, address, ms: Date.now() - started };
    } catch (error) {
      if (!(error instanceof NetworkFailure) || error.code === 'ABORTED') throw error;
      error.where ??= `${host}:${port}`;
      first ??= error;
    }
  }
  throw first ?? new NetworkFailure('dns', 'ENODATA', `${host} has no addresses`);
}

/** The port a URL connects to. */
export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : url.protocol === 'socks5:' ? 1080 : 80;
}

/** `Proxy-Authorization` for a proxy URL with user information, as Go sends it. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === '' && proxy.password === '') return undefined;
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
}

/** A connection to the proxy itself (TLS when the proxy URL is https). */
async function connectProxy(
  proxy: URL,
  limits: ProbeLimits,
  ca: readonly string[],
): Promise<Duplex> {
  const { socket } = await connectTcp(hostOf(proxy), portOf(proxy), limits);
  if (proxy.protocol !== 'https:') return socket;
  const tls = await tlsHandshake(socket, hostOf(proxy), limits, ca);
  if (!tls.authorized) {
    tls.destroy();
    throw new NetworkFailure(
      'proxy',
      String(tls.authorizationError),
      `the proxy's certificate is not trusted`,
    );
  }
  return tls;
}

/** The proxy's answer to CONNECT: 200 gives the tunnel. */
export async function openTunnel(
  proxy: URL,
  host: string,
  port: number,
  limits: ProbeLimits,
  ca: readonly string[],
): Promise<{ socket: Duplex; status: number; statusLine: string }> {
  if (proxy.protocol === 'socks5:') {
    throw new NetworkFailure('proxy', 'SOCKS5', 'SOCKS5 proxies are not probed by doctor');
  }
  const socket = await connectProxy(proxy, limits, ca);
  const target = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const auth = proxyAuthorization(proxy);
  return bounded(
    'proxy',
    limits,
    ({ cleanup }) =>
      new Promise((resolve, reject) => {
        cleanup(() => socket.destroy());
        let head = Buffer.alloc(0);
        const onData = (chunk: Buffer): void => {
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) {
            if (head.length > 64 * 1024) reject(new Error('proxy answer headers too large'));
            return;
          }
          socket.off('data', onData);
          socket.off('error', reject);
          const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
          const status = Number(/^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine)?.[1] ?? 0);
          const rest = head.subarray(end + 4);
          if (rest.length > 0) socket.unshift(rest);
          socket.pause();
          resolve({ socket, status, statusLine });
        };
        socket.on('data', onData);
        socket.once('error', reject);
        socket.once('end', () =>
          reject(new NetworkFailure('proxy', 'EOF', 'the proxy closed the connection')),
        );
        socket.write(
          `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\nUser-Agent: Go-http-client/1.1\r\n` +
            (auth !== undefined ? `Proxy-Authorization: ${auth}\r\n` : '') +
            '\r\n',
        );
      }),
    `the proxy did not answer CONNECT ${target}`,
  );
}

/**
 * A TLS handshake over `socket` that does not reject an untrusted certificate: the caller reads
 * `authorized` / `authorizationError` (against `ca`) and the chain. The server name is sent
 * unless the host is an IP address.
 */
export function tlsHandshake(
  socket: Duplex,
  host: string,
  limits: ProbeLimits,
  ca: readonly string[],
): Promise<TLSSocket> {
  return bounded(
    'tls',
    limits,
    ({ cleanup }) =>
      new Promise<TLSSocket>((resolve, reject) => {
        const tls = tlsConnectRaw({
          socket,
          ...(isIP(host) === 0 ? { servername: host } : {}),
          ca: [...ca],
          rejectUnauthorized: false,
          ALPNProtocols: ['http/1.1'],
        });
        cleanup(() => tls.destroy());
        tls.once('secureConnect', () => {
          tls.removeAllListeners('error');
          resolve(tls);
        });
        tls.once('error', reject);
      }),
    `no TLS handshake with ${host} within the time limit`,
  );
}

/** What Go's hostname verification says about `cert` for `host` (SANs only: no Common Name fallback). */
export function nameProblem(host: string, cert: PeerCertificate): string | undefined {
  if (cert.subjectaltname === undefined || cert.subjectaltname === '') {
    return `the certificate has no subject alternative names (Go ignores the Common Name ${String(cert.subject?.CN ?? '')})`;
  }
  return checkServerIdentity(host, cert)?.message;
}

/**
 * A connection to `url` as the go command makes it: the tunnel through the proxy when `route`
 * says so (https), else a direct TCP connection; TLS on top for https. Plain-http URLs through a
 * proxy are not tunnelled (the request goes to the proxy itself): the caller handles them.
 */
export async function openRoute(
  url: URL,
  route: ProxyDecision,
  limits: ProbeLimits,
  ca: readonly string[],
): Promise<{ socket: Duplex; tls?: TLSSocket }> {
  const host = hostOf(url);
  const port = portOf(url);
  let socket: Duplex;
  if (route.kind === 'proxy' && url.protocol === 'https:') {
    const tunnel = await openTunnel(route.proxy, host, port, limits, ca);
    if (tunnel.status !== 200) {
      tunnel.socket.destroy();
      throw new NetworkFailure(
        'proxy',
        String(tunnel.status),
        `the proxy answered CONNECT with ${tunnel.statusLine}`,
      );
    }
    socket = tunnel.socket;
  } else if (route.kind === 'proxy') {
    socket = (await connectTcp(hostOf(route.proxy), portOf(route.proxy), limits)).socket;
  } else {
    socket = (await connectTcp(host, port, limits)).socket;
  }
  if (url.protocol !== 'https:') return { socket };
  const tls = await tlsHandshake(socket, host, limits, ca);
  return { socket: tls, tls };
}
