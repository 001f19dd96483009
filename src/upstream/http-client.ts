import { finished, type Readable } from 'node:stream';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { ModgateError } from '../errors/index.js';
import { bodyError, dispatchGet } from './dispatch-get.js';
import { ExchangeDeadline } from './exchange-deadline.js';
import { guardedConnector, guardedProxyFactories } from './guarded-connector.js';
import { proxyFor, type OutboundProxySettings } from './outbound-proxy.js';
import { SecretRedactor } from './secret-redactor.js';
import { transportError } from './transport-error.js';
import { traceOutbound } from '../metrics/tracing/index.js';

export { transportError } from './transport-error.js';

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
  /**
   * Once a body has started, the longest wait for its next bytes before the exchange fails
   * with `timeout` (default 60 s; not applied when the request's own deadline is shorter).
   */
  bodySilenceMs?: number;
}

export interface HttpGetOptions {
  /** Names the request in messages and errors (a URL without credentials). */
  label: string;
  headers?: Record<string, string>;
  /**
   * Deadline for the whole exchange: connecting, redirects, headers and the entire body. When
   * it passes, a pending get() rejects, or the body is destroyed, with a `timeout` error.
   */
  timeoutMs?: number;
  /** What that deadline is called where users set it (`upstream_http.zip_timeout`). */
  timeoutName?: string;
  /** The caller's cancellation (e.g. its client went away); ends the exchange, body included. */
  signal?: AbortSignal;
  /**
   * The most body bytes accepted: past it the body fails with `too-large`. Also the bound on
   * what can wait in memory unread (the parser is never paused, see dispatch-get.ts).
   */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /**
   * Ends when the response is complete; fails with a ModgateError (`upstream` for a body cut
   * short, `timeout` for the deadline or silence) naming the request. Destroy it when done
   * early: that aborts the transfer and stops the deadline.
   */
  body: Readable;
  /** The final URL after redirects. */
  url: URL;
  /**
   * Knows every credential this exchange sent (Authorization headers, outbound proxy
   * credentials): use its excerpt() for any part of the body that goes into a message.
   */
  redactor: SecretRedactor;
}

const DEFAULT_BODY_SILENCE_MS = 60_000;

const MAX_REDIRECTS = 10;

/**
 * A pooled HTTP client for upstream proxies: one undici Agent (a keep-alive pool per origin),
 * redirects followed like the go command does (at most 10 hops, never from https to http),
 * transport failures converted to ModgateErrors whose messages name the URL without
 * credentials. Requests go through the configured outbound proxy where the go command's rules
 * say so: http URLs as absolute-form requests to the proxy, https URLs through a CONNECT
 * tunnel (TLS end to end). Callers own the response body and must consume or destroy it, and
 * must read it promptly (see dispatch-get.ts: the HTTP parser is never paused).
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly proxyAgents = new Map<string, ProxyAgent>();

  constructor(private readonly options: HttpClientOptions) {
    this.agent = new Agent({
      ...this.poolOptions(),
      connect: guardedConnector({ timeout: options.connectTimeoutMs }),
    });
  }

  private poolOptions() {
    return {
      connections: this.options.maxConnections,
      keepAliveTimeout: 30_000,
      connect: { timeout: this.options.connectTimeoutMs },
      // Each request sets its own (dispatch-get.ts); the deadline is the caller's.
      headersTimeout: 0,
      bodyTimeout: 0,
    };
  }

  /**
   * The dispatcher for `url`, how to name its proxy in errors (never with credentials), and
   * the proxy's credentials for redaction.
   */
  private route(url: URL): { dispatcher: Dispatcher; via: string; secrets: SecretRedactor } {
    const proxy = this.options.proxy === undefined ? undefined : proxyFor(url, this.options.proxy);
    if (proxy === undefined)
      return { dispatcher: this.agent, via: '', secrets: SecretRedactor.none };
    let agent = this.proxyAgents.get(proxy.href);
    if (agent === undefined) {
      // The pool options reach the upstream origins' pools; the factories guard the connectors
      // ProxyAgent builds itself (to the proxy, and through its tunnels).
      agent = new ProxyAgent({
        ...this.poolOptions(),
        ...guardedProxyFactories,
        uri: proxy.href,
        proxyTunnel: false,
      });
      this.proxyAgents.set(proxy.href, agent);
    }
    return {
      dispatcher: agent,
      via: ` (through proxy ${proxy.protocol}//${proxy.host})`,
      secrets: SecretRedactor.forUrl(proxy),
    };
  }

  /** One exchange; a client span with its `traceparent` sent along while tracing is on. */
  get(url: URL, opts: HttpGetOptions): Promise<HttpResponse> {
    return traceOutbound(url, opts, (traced) => this.exchange(url, traced));
  }

  private async exchange(url: URL, opts: HttpGetOptions): Promise<HttpResponse> {
    const deadline = new ExchangeDeadline(opts);
    try {
      const res = await this.follow(url, opts, deadline);
      // The deadline holds until the body is over, however it ends.
      res.body.once('close', () => deadline.release());
      if (res.body.destroyed) deadline.release();
      return res;
    } catch (err) {
      deadline.release();
      throw err;
    }
  }

  private async follow(
    url: URL,
    opts: HttpGetOptions,
    deadline: ExchangeDeadline,
  ): Promise<HttpResponse> {
    let current = url;
    let headers: Record<string, string> = { ...opts.headers };
    let redactor = SecretRedactor.none;
    // A silence bound no shorter than the deadline would only race it (0 = none).
    const silence = this.options.bodySilenceMs ?? DEFAULT_BODY_SILENCE_MS;
    const bodySilenceMs = silence < (opts.timeoutMs ?? Infinity) ? silence : 0;
    for (let hop = 0; ; hop++) {
      const { dispatcher, via, secrets } = this.route(current);
      redactor = redactor.with(secrets);
      for (const [name, value] of Object.entries(headers)) {
        if (/^(proxy-)?authorization$/i.test(name)) {
          redactor = redactor.with(SecretRedactor.forAuthorization(value));
        }
      }
      const label = opts.label + via;
      const res = await dispatchGet(
        dispatcher,
        {
          origin: current.origin,
          path: current.pathname + current.search,
          headers: { 'user-agent': this.options.userAgent, ...headers },
        },
        {
          label,
          signal: deadline.signal,
          bodySilenceMs,
          ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
        },
      ).catch((err: unknown) => {
        throw transportError(err, label, deadline.signal);
      });
      // Consumers see errors through their own listeners (iteration, pipeline); this one only
      // keeps a late error on an abandoned body (e.g. an abort after destroy) from being fatal.
      res.body.on('error', () => undefined);
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
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
      return { status: res.status, headers: res.headers, body: res.body, url: current, redactor };
    }
  }

  async close(): Promise<void> {
    await Promise.all([
      this.agent.close(),
      ...[...this.proxyAgents.values()].map((a) => a.close()),
    ]);
  }
}

/**
 * Reads a whole body into memory, failing with `too-large` past `max` bytes (and destroying
 * the stream, so an oversized upstream answer is never read to its end).
 *
 * With a `data` listener and `finished`, not `for await`: the async iterator costs a
 * generator, a promise per chunk and its own end-of-stream watch, ~20-40 us of CPU per body
 * in a fresh process, and a cold `.mod` miss reads three bodies (the `.mod`, its `.info`, the
 * checksum database's answer). The outcomes are the same: the bytes; `too-large`; the
 * stream's error or a premature close, as an `upstream`/`timeout` ModgateError naming `label`.
 */
export function readBodyCapped(
  body: Readable,
  max: number,
  label: string,
  signal?: AbortSignal,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      stopWatching();
      body.destroy();
      if (err instanceof ModgateError) reject(err);
      else if (signal?.aborted) reject(transportError(err, label, signal));
      else reject(bodyError(err, label, total, undefined));
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > max) {
        fail(new ModgateError('too-large', `${label}: response larger than ${max} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    body.on('data', onData);
    const stopWatching = finished(body, (err) => {
      if (err) {
        fail(err);
        return;
      }
      if (settled) return;
      settled = true;
      stopWatching();
      resolve(Buffer.concat(chunks, total));
    });
  });
}
