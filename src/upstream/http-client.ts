import type { Readable } from 'node:stream';
import { Agent, ProxyAgent, errors as undiciErrors, type Dispatcher } from 'undici';
import { ModgateError } from '../errors/index.js';
import { proxyFor, type OutboundProxySettings } from './outbound-proxy.js';

export interface HttpClientOptions {
  connectTimeoutMs: number;
  /** Keep-alive connections per origin. */
  maxConnections: number;
  userAgent: string;
  /**
   * Outbound HTTP proxies (HTTPS_PROXY / HTTP_PROXY / NO_PROXY with the go command's rules,
   * see outbound-proxy.ts); none when absent.
   */
  proxy?: OutboundProxySettings;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  /** The final URL after redirects. */
  url: URL;
}

const MAX_REDIRECTS = 10;

/**
 * A pooled HTTP client for upstream proxies: one undici Agent (a keep-alive pool per origin),
 * redirects followed like the go command does (at most 10 hops, never from https to http),
 * transport failures converted to ModgateErrors whose messages name the URL without
 * credentials. Requests go through the configured outbound proxy where the go command's rules
 * say so: http URLs as absolute-form requests to the proxy, https URLs through a CONNECT
 * tunnel (TLS end to end). Callers own the response body and must consume or destroy it.
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly proxyAgents = new Map<string, ProxyAgent>();

  constructor(private readonly options: HttpClientOptions) {
    this.agent = new Agent(this.poolOptions());
  }

  private poolOptions() {
    return {
      connections: this.options.maxConnections,
      keepAliveTimeout: 30_000,
      connect: { timeout: this.options.connectTimeoutMs },
      // Overall deadlines come from the caller's AbortSignal; these only bound silence.
      headersTimeout: 0,
      bodyTimeout: 0,
    };
  }

  /** The dispatcher for `url`, and how to name its proxy in errors (never with credentials). */
  private route(url: URL): { dispatcher: Dispatcher; via: string } {
    const proxy = this.options.proxy === undefined ? undefined : proxyFor(url, this.options.proxy);
    if (proxy === undefined) return { dispatcher: this.agent, via: '' };
    let agent = this.proxyAgents.get(proxy.href);
    if (agent === undefined) {
      agent = new ProxyAgent({ ...this.poolOptions(), uri: proxy.href, proxyTunnel: false });
      this.proxyAgents.set(proxy.href, agent);
    }
    return { dispatcher: agent, via: ` (through proxy ${proxy.protocol}//${proxy.host})` };
  }

  async get(
    url: URL,
    opts: { signal: AbortSignal; headers?: Record<string, string>; label: string },
  ): Promise<HttpResponse> {
    let current = url;
    let headers: Record<string, string> = { ...opts.headers };
    for (let hop = 0; ; hop++) {
      let res;
      const { dispatcher, via } = this.route(current);
      try {
        res = await dispatcher.request({
          origin: current.origin,
          path: current.pathname + current.search,
          method: 'GET',
          headers: { 'user-agent': this.options.userAgent, ...headers },
          signal: opts.signal,
        });
      } catch (err) {
        throw transportError(err, opts.label + via, opts.signal);
      }
      // Consumers see errors through their own listeners (iteration, pipeline); this one only
      // keeps a late error on an abandoned body (e.g. an abort after destroy) from being fatal.
      res.body.on('error', () => undefined);
      if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304) {
        res.body.destroy();
        const location = res.headers.location;
        if (typeof location !== 'string') {
          throw new ModgateError('upstream', `${opts.label}: redirect without Location`);
        }
        if (hop + 1 >= MAX_REDIRECTS) {
          throw new ModgateError(
            'upstream',
            `${opts.label}: stopped after ${MAX_REDIRECTS} redirects`,
          );
        }
        const next = new URL(location, current);
        if (current.protocol === 'https:' && next.protocol !== 'https:') {
          throw new ModgateError(
            'upstream',
            `${opts.label}: refusing redirect from https to ${next.protocol}`,
          );
        }
        if (next.origin !== current.origin) {
          // Like the go command: credentials are for the origin they were configured for.
          headers = Object.fromEntries(
            Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
          );
        }
        current = next;
        continue;
      }
      return { status: res.statusCode, headers: res.headers, body: res.body, url: current };
    }
  }

  async close(): Promise<void> {
    await Promise.all([
      this.agent.close(),
      ...[...this.proxyAgents.values()].map((a) => a.close()),
    ]);
  }
}

export function transportError(err: unknown, label: string, signal: AbortSignal): ModgateError {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof Error && reason.name === 'TimeoutError') {
      return new ModgateError('timeout', `${label}: timed out`, { cause: err });
    }
    return new ModgateError('timeout', `${label}: request aborted`, { cause: err });
  }
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return new ModgateError('timeout', `${label}: connect timed out`, { cause: err });
  }
  if (err instanceof Error && /^Proxy response \(\d+\)/.test(err.message)) {
    const status = /\((\d+)\)/.exec(err.message)?.[1] ?? '?';
    const why = status === '407' ? ' (proxy authentication required or refused)' : '';
    return new ModgateError('upstream', `${label}: the proxy answered ${status}${why}`, {
      cause: err,
    });
  }
  const code = (err as { code?: unknown }).code;
  const detail =
    typeof code === 'string' ? describeCode(code) : err instanceof Error ? err.message : 'error';
  return new ModgateError('upstream', `${label}: ${detail}`, { cause: err });
}

/** What an operator should read for the usual connection failures; the code stays in it. */
const CODE_TEXT: Record<string, string> = {
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (temporary DNS failure)',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the other side',
};

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function describeCode(code: string): string {
  if (TLS_CODES.has(code)) {
    return (
      `TLS certificate not accepted (${code}); if a proxy or a private CA signs this ` +
      'certificate, give modgate its CA file with NODE_EXTRA_CA_CERTS'
    );
  }
  const text = CODE_TEXT[code];
  return text === undefined ? code : `${text} (${code})`;
}

/**
 * Reads a whole body into memory, failing with `too-large` past `max` bytes (and destroying
 * the stream, so an oversized upstream answer is never read to its end).
 */
export async function readBodyCapped(
  body: Readable,
  max: number,
  label: string,
  signal?: AbortSignal,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > max) {
        throw new ModgateError('too-large', `${label}: response larger than ${max} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    body.destroy();
    if (err instanceof ModgateError) throw err;
    if (signal?.aborted) throw transportError(err, label, signal);
    throw new ModgateError('upstream', `${label}: reading response failed`, { cause: err });
  }
  return Buffer.concat(chunks, total);
}
