/**
 * One GET the way the go command sends it: over the route Go's proxy rules pick (a CONNECT
 * tunnel for https through a proxy; the absolute URL to the proxy for plain http), TLS verified
 * against the go command's roots, the Authorization header of go-credentials.ts (.netrc or
 * the URL's user:password, as cmd/go/internal/web sends them), `User-Agent: Go-http-client/1.1`. Bounded by the probe timeout from
 * the first byte sent to the response head; at most 64 KiB of the body is read.
 */
import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import {
  bounded,
  nameProblem,
  openRoute,
  proxyAuthorization,
  type ProbeLimits,
} from './connect-route.js';
import type { ProxyDecision } from './go-proxy-rules.js';
import { NetworkFailure } from './network-failure.js';

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  /** The first 64 KiB of the body (empty when the body did not arrive in time). */
  body: string;
  /** From the request written to the response head. */
  firstByteMs: number;
}

const MAX_BODY = 64 * 1024;

export async function httpGet(
  url: URL,
  route: ProxyDecision,
  limits: ProbeLimits,
  ca: readonly string[],
  /** The Authorization header the go command would send (go-credentials.ts), a secret. */
  authorization?: string,
): Promise<HttpAnswer> {
  const { socket, tls } = await openRoute(url, route, limits, ca);
  if (tls !== undefined) {
    const problem = tls.authorized
      ? nameProblem(url.hostname.replace(/^\[(.*)\]$/, '$1'), tls.getPeerCertificate())
      : String(tls.authorizationError);
    if (problem !== undefined) {
      tls.destroy();
      throw new NetworkFailure(
        'tls',
        'UNTRUSTED',
        `the certificate of ${url.host} does not verify (${problem})`,
      );
    }
  }
  const viaHttpProxy = route.kind === 'proxy' && url.protocol === 'http:';
  const headers: Record<string, string> = {
    Host: url.host,
    'User-Agent': 'Go-http-client/1.1',
    'Accept-Encoding': 'identity',
  };
  if (authorization !== undefined) headers.Authorization = authorization;
  if (viaHttpProxy) {
    const auth = proxyAuthorization(route.proxy);
    if (auth !== undefined) headers['Proxy-Authorization'] = auth;
  }
  const target = new URL(url.href);
  target.username = '';
  target.password = '';
  const path = viaHttpProxy ? target.href : target.pathname + target.search;
  const started = Date.now();
  const head = await bounded(
    'http',
    limits,
    ({ cleanup }) =>
      new Promise<{ res: IncomingMessage; ms: number }>((resolve, reject) => {
        cleanup(() => socket.destroy());
        const req = request({
          method: 'GET',
          path,
          headers,
          createConnection: () => socket as Socket,
        });
        req.once('response', (res) => resolve({ res, ms: Date.now() - started }));
        req.once('error', reject);
        req.end();
      }),
    `no HTTP answer from ${url.host}`,
  );
  const body = await readSome(head.res, limits).catch(() => '');
  socket.destroy();
  return {
    status: head.res.statusCode ?? 0,
    statusText: head.res.statusMessage ?? '',
    headers: head.res.headers,
    body,
    firstByteMs: head.ms,
  };
}

function readSome(res: IncomingMessage, limits: ProbeLimits): Promise<string> {
  return bounded(
    'http',
    limits,
    ({ cleanup }) =>
      new Promise<string>((resolve, reject) => {
        cleanup(() => res.destroy());
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_BODY) {
            res.destroy();
            resolve(Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8'));
          }
        });
        res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.once('error', reject);
      }),
    'body too slow',
  ).catch((error: unknown) => {
    if (error instanceof NetworkFailure) return '';
    throw error;
  });
}
