import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { Logger } from 'pino';
import { accessLogFor, type AccessEntry, type AccessLog } from '../log/index.js';
import type { Answer } from '../service/answer.js';
import type { ModuleService } from '../service/module-service.js';
import { ParsedPathCache } from './parsed-path-cache.js';
import { answerRequest, writeAnswer } from './proxy-handler.js';
import { handleSumdbRequest, type SumdbProxyDeps } from '../sumdb/proxy/index.js';
import { requestIdFor, requestIdFrom } from './request-id.js';
import { sendError } from './send-error.js';
import { sendText } from './send-text.js';
import { Readiness, type ReadinessSources } from './readiness.js';
import type { RateLimiter } from './rate-limit.js';
import { logRequestFailure } from './log-request-failure.js';
import {
  ConnectionGuard,
  connectionCaps,
  type ConnectionCaps,
  type ConnectionCounts,
} from './connection-guard.js';
import { softDescriptorLimit } from './descriptor-limit.js';
import { FastPath } from './fast-path/fast-path.js';
import type { SimpleHead } from './fast-path/request-head.js';
import type { ModgateMetrics, RequestMetrics } from '../metrics/index.js';
import { sendMetrics } from './send-metrics.js';
import { PUBLISH_PREFIX, handlePublish, type PublishRouteOptions } from './publish-route.js';
import type { RequestTracing } from '../metrics/tracing/index.js';
import { sendIndexFeed, type IndexFeedRoute } from './index-feed-handler.js';

export interface ProxyServerOptions {
  service: ModuleService;
  logger: Logger;
  accessLog: boolean;
  shutdownGraceMs: number;
  /** Checksum databases served under /sumdb/<name>/ (absent: /sumdb/ is not served). */
  sumdb?: SumdbProxyDeps | undefined;
  /**
   * Client connection limits (YAML `server.*`, whose schema holds the defaults): how long a
   * client may take to send a request's headers, and the whole request; how long an idle
   * keep-alive connection stays open; how many connections may be open, in total and per
   * client address (0: no per-client cap).
   */
  headerTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerClient: number;
  /** The process's open-file limit (default: read from /proc/self/limits; tests set it). */
  descriptorLimit?: number;
  /**
   * Cached hits answered on the strict node:net fast path (fast-path/fast-path.ts), everything
   * else by node:http (YAML `server.fast_path`; default true). False: node:http only.
   */
  fastPath?: boolean | undefined;
  /** The JSON of /.well-known/modgate/client-config (app/client-config.ts), once listening. */
  clientConfig?: (() => string | undefined) | undefined;
  /** Metrics recorded (requests, readiness); undefined: none (metrics.enabled false). */
  metrics?: ModgateMetrics | undefined;
  /** Whether this listener answers /metrics (metrics on and no `metrics.listen`). */
  metricsRoute?: boolean | undefined;
  /**
   * A span per request while tracing is on (app then turns the fast path off); off, a client's
   * traceparent passed on to the upstreams (metrics/tracing/carried-trace.ts).
   */
  tracing?: RequestTracing | undefined;
  /** /readyz's upstream and checksum database states; the JSON of /version (issue 11). */
  health?: ReadinessSources | undefined;
  version?: string | undefined;
  /** The publish API (`PUT /-/api/publish/...`, issue 14 item 6); undefined: not served. */
  publish?: PublishRouteOptions | undefined;
  /** Per-client rate limiting (429 with Retry-After); undefined: off. */
  rateLimit?: RateLimiter | undefined;
  /** GET /index, the feed of versions stored (issue 13); undefined: not served. */
  indexFeed?: IndexFeedRoute | undefined;
}

const HEAD_ONLY = Object.freeze({ head: true });
/** No module path starts with a dot, so this never shadows a GOPROXY path (doctor --server reads it). */
const CLIENT_CONFIG = '/.well-known/modgate/client-config';

/**
 * The status logged for a request whose client closed the connection before the whole
 * response was sent (nginx's "client closed request").
 */
export const CLIENT_CLOSED_STATUS = 499;

const USAGE = `modgate: a Go module proxy.
Point the go command at this server:  GOPROXY=<this URL>  (see the README)
Health: /healthz (process), /readyz (storage, upstreams), /version
`;

/**
 * The HTTP front: routes GOPROXY paths to the module service (`answer`), writes its Answer
 * (headers, bytes), maps errors to statuses (statusForError), serves /healthz and /readyz,
 * writes one access-log line per request, and stops gracefully (no new connections, in-flight
 * requests — downloads included — get `shutdownGraceMs` to finish). It decides nothing about
 * modules: caching, freshness and validators are the service's.
 *
 * Cached hits are the hot path: a GET or HEAD of a GOPROXY path is parsed (ParsedPathCache)
 * and answered synchronously when the service has the answer in memory, its serialised
 * headers memoised per answer (answer-headers.ts); everything else takes the async path.
 */
export class ProxyServer {
  /** The node:http server: every request when the fast path is off, else the handed-over ones. */
  readonly server: Server;
  /** The listening server: the fast path's node:net server, or `server`. */
  readonly listener: NetServer;
  private readonly fast: FastPath | undefined;
  private active = 0;
  private idle: (() => void) | undefined;
  private readonly accessLog: AccessLog | undefined;
  private readonly requests: RequestMetrics | undefined;
  /** Fast-path requests waiting for their answer (in flight, with `active`). */
  private fastWaiting = 0;
  private readonly fastSettled = (): void => void this.fastWaiting--;
  private readonly paths = new ParsedPathCache();
  private readonly guard: ConnectionGuard;
  /** The caps in force (the configured ones, lowered to fit the descriptor limit). */
  readonly caps: ConnectionCaps;
  private readonly descriptorLimit: number | undefined;
  /** Set while stop() closes the connections left after the grace period. */
  private cutting = false;
  private readonly readiness: Readiness;

  constructor(private readonly options: ProxyServerOptions) {
    const sources = options.health;
    this.readiness = new Readiness({ service: options.service, logger: options.logger, sources });
    this.accessLog = options.accessLog ? accessLogFor(options.logger) : undefined;
    this.requests = options.metrics?.requests;
    this.requests?.countInFlight(() => this.active + this.fastWaiting);
    const headerTimeoutMs = options.headerTimeoutMs;
    const serverOptions = {
      // Node checks the header and request deadlines only every connectionsCheckingInterval
      // (30 s by default): check often enough that the header timeout really bounds how long
      // a slow client holds a connection. A connection that sends nothing at all is closed
      // (408) at the header timeout too. The request timeout covers receiving the request
      // only, never the time to answer or to send a long download.
      headersTimeout: headerTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headerTimeoutMs / 4))),
      keepAliveTimeout: options.idleTimeoutMs,
    };
    const onRequest = (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res);
    this.server = createServer(serverOptions, options.tracing?.wrap(onRequest) ?? onRequest);
    this.fast =
      options.fastPath === false
        ? undefined
        : new FastPath({
            http: this.server,
            headerTimeoutMs,
            idleTimeoutMs: options.idleTimeoutMs,
            checkIntervalMs: serverOptions.connectionsCheckingInterval,
            answer: (req) => this.fastAnswer(req),
            requestId: requestIdFrom,
            record:
              this.accessLog === undefined && this.requests === undefined
                ? undefined
                : (entry) => this.record(entry),
          });
    this.listener = this.fast?.server ?? this.server;
    this.descriptorLimit = options.descriptorLimit ?? softDescriptorLimit();
    this.caps = connectionCaps(
      options.maxConnections,
      options.maxConnectionsPerClient,
      this.descriptorLimit,
    );
    this.guard = new ConnectionGuard(this.listener, this.caps, options.logger);
    this.fast?.accept();
  }

  /**
   * The service's answer to a request the fast path found simple; undefined for what is not a
   * GOPROXY request (/, /healthz, /readyz, /sumdb/, an invalid path: node:http's to answer).
   */
  private fastAnswer(req: SimpleHead): Answer | Promise<Answer> | undefined {
    const target = req.target;
    const q = target.indexOf('?');
    const path = q >= 0 ? target.slice(0, q) : target;
    if (this.options.sumdb !== undefined && path.startsWith('/sumdb/')) return undefined;
    try {
      const preq = this.paths.parse(path);
      if (preq === null) return undefined;
      const answer = this.options.service.answer(preq, req.head ? HEAD_ONLY : undefined);
      if (this.requests !== undefined && answer instanceof Promise) {
        this.fastWaiting++;
        answer.then(this.fastSettled, this.fastSettled);
      }
      return answer;
    } catch {
      return undefined; // node:http asks again and answers the error
    }
  }

  /** The one place a finished request is recorded (both paths): access line, metrics. */
  private record(entry: AccessEntry): void {
    this.accessLog?.write(entry);
    this.requests?.record(entry);
  }

  /** Open client connections and the ones refused by each cap (for metrics). */
  get connections(): ConnectionCounts {
    return this.guard.counts;
  }

  /**
   * The status an access line reports: the one answered, unless the response was cut short.
   * Then: 499 when the client closed the connection first; when modgate cut it (a source
   * failing mid-stream destroys the response with its error; the shutdown grace ran out),
   * the status sent, or 503 if none was.
   */
  private loggedStatus(res: ServerResponse): number {
    if (res.writableFinished) return res.statusCode;
    if (!res.errored && !this.cutting) return CLIENT_CLOSED_STATUS;
    return res.headersSent ? res.statusCode : 503;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.active++;
    const id = requestIdFor(req);
    const started = performance.now();
    let answered: Answer | undefined;
    // One listener per response: in-flight accounting and the access line. Answers are
    // written with raw headers (not readable back with getHeader): the line reads the Answer.
    res.on('close', () => {
      const entry: AccessEntry = {
        reqId: id,
        method: req.method,
        path: req.url,
        status: this.loggedStatus(res),
        bytes: answered === undefined ? res.getHeader('content-length') : answered.size,
        cache: answered === undefined ? res.getHeader('x-modgate-cache') : answered.cache,
        ms: Math.round((performance.now() - started) * 100) / 100,
        complete: res.writableFinished,
      };
      this.options.tracing?.end(req, entry); // the request's span ends; its ids join the line
      this.record(entry);
      this.active--;
      if (this.active === 0) this.idle?.();
    });
    if (this.options.rateLimit?.refuse(req, res) === true) return;
    // `modgate publish` uploads (issue 14 item 6), when publishing is configured.
    if (this.options.publish !== undefined && req.url?.startsWith(PUBLISH_PREFIX) === true) {
      void handlePublish(req, res, req.url.split('?')[0] ?? '', this.options.publish, id);
      return;
    }
    const method = req.method;
    if (method === 'GET' || method === 'HEAD') {
      const target = req.url ?? '/';
      const q = target.indexOf('?');
      const path = q >= 0 ? target.slice(0, q) : target;
      // A request the fast path already asked the service about comes with its answer.
      let pending = this.fast?.adopted(req);
      try {
        const sumdb = this.options.sumdb !== undefined && path.startsWith('/sumdb/');
        const preq = pending !== undefined || sumdb ? null : this.paths.parse(path);
        if (preq !== null) pending = answerRequest(this.options.service, req, preq);
      } catch (err) {
        this.fail(err, id, req, res);
        return;
      }
      if (pending !== undefined) {
        const head = method === 'HEAD';
        if (!(pending instanceof Promise)) {
          answered = pending;
          const sending = writeAnswer(res, pending, id, head);
          if (sending !== undefined) sending.catch((err: unknown) => this.fail(err, id, req, res));
          return;
        }
        pending
          .then((answer) => {
            answered = answer;
            return writeAnswer(res, answer, id, head);
          })
          .catch((err: unknown) => this.fail(err, id, req, res));
        return;
      }
    }
    void this.handle(req, res, id);
  }

  private fail(err: unknown, id: string, req: IncomingMessage, res: ServerResponse): void {
    logRequestFailure(this.options.logger, err, id, req);
    if (!res.headersSent) res.setHeader('x-request-id', id);
    sendError(res, err, id);
  }

  async listen(host: string, port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(port, host, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    if (this.caps.loweredFrom !== undefined) {
      this.options.logger.warn(
        `server.max_connections ${this.caps.loweredFrom} lowered to ${this.caps.total}: this process may open only ${this.descriptorLimit ?? '?'} files (ulimit -n); raise that limit to serve more connections`,
      );
    }
    const addr = this.listener.address() as AddressInfo;
    const hostPart = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${hostPart}:${addr.port}`;
  }

  /** Graceful stop; resolves when every request has finished or the grace period ran out. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    // With the fast path, node:http never listened: close() only stops its timers and closes
    // its idle connections (its callback's "not running" error is expected).
    if (this.fast !== undefined) this.server.close();
    this.server.closeIdleConnections();
    const fastDrained = this.fast?.closeIdle();
    if (this.active > 0 || fastDrained !== undefined) {
      const drained = Promise.all([
        this.active > 0 ? new Promise<void>((resolve) => (this.idle = resolve)) : undefined,
        fastDrained,
      ]);
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), this.options.shutdownGraceMs);
      });
      const outcome = await Promise.race([drained, expired]);
      clearTimeout(timer);
      if (outcome === 'expired') {
        this.options.logger.warn(
          { active: this.active },
          'shutdown grace period over; closing remaining connections',
        );
      }
    }
    this.cutting = true;
    this.server.closeAllConnections();
    this.fast?.closeAll();
    await closed;
    this.guard.close();
    this.accessLog?.flush();
  }

  private async handle(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    res.setHeader('x-request-id', id);
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        res.statusCode = 405;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(`method ${req.method ?? ''} not allowed: a GOPROXY serves GET and HEAD only\n`);
        return;
      }
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const path = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
      if (path === '/healthz') return sendText(res, req, 200, 'ok\n');
      const version = path === '/version' ? this.options.version : undefined;
      if (version !== undefined) return sendText(res, req, 200, version, 'json');
      if (path === '/readyz') {
        await this.readiness.answer(req, res);
        return this.options.metrics?.service.readiness(res.statusCode === 200);
      }
      const metrics = this.options.metricsRoute === true ? this.options.metrics : undefined;
      if (path === '/metrics' && metrics !== undefined) return await sendMetrics(res, req, metrics);
      if (path === '/') return sendText(res, req, 200, USAGE);
      if (path === '/index' && this.options.indexFeed !== undefined) {
        return await sendIndexFeed(req, res, rawUrl, this.options.indexFeed);
      }
      const clientConfig = path === CLIENT_CONFIG ? this.options.clientConfig?.() : undefined;
      if (clientConfig !== undefined) return sendText(res, req, 200, clientConfig, 'json');
      if (path.startsWith('/sumdb/') && this.options.sumdb) {
        const answer = await handleSumdbRequest(path, this.options.sumdb);
        res.writeHead(answer.status, answer.headers);
        res.end(req.method === 'HEAD' ? undefined : answer.body);
        return;
      }
      return sendText(res, req, 404, `not found: ${path} is not a GOPROXY path\n`);
    } catch (err) {
      logRequestFailure(this.options.logger, err, id, req);
      sendError(res, err, id);
    }
  }
}
