import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import { accessLogFor, type AccessEntry, type AccessLog } from '../log/index.js';
import type { ActivityLog } from '../dashboard/index.js';
import type { RequestMetrics } from '../metrics/index.js';
import { ANONYMOUS } from '../policy/index.js';
import type { Answer } from '../service/answer.js';
import { auditRequest } from './auth-audit.js';
import type { AuthResult } from './auth-authenticator.js';
import { sendDenial } from './auth-gate.js';
import { PUBLISH_PREFIX, handlePublish } from './publish-route.js';
import {
  ConnectionGuard,
  connectionCaps,
  type ConnectionCaps,
  type ConnectionCounts,
} from './connection-guard.js';
import { softDescriptorLimit } from './descriptor-limit.js';
import { FastPath } from './fast-path/fast-path.js';
import type { FastPeer } from './fast-path/fast-context.js';
import type { SimpleHead } from './fast-path/request-head.js';
import { logRequestFailure } from './log-request-failure.js';
import { keptTarget } from './kept-target.js';
import { ParsedPathCache } from './parsed-path-cache.js';
import { answerRequest, writeAnswer } from './proxy-handler.js';
import type { ProxyServerOptions } from './proxy-server-options.js';
import { Readiness } from './readiness.js';
import { requestIdFor } from './request-id.js';
import { sendError } from './send-error.js';
import { answerOtherRoute } from './other-routes.js';

export type { ProxyServerOptions } from './proxy-server-options.js';

/** What a request on node:http's path has decided so far, for its log entry. */
interface RequestState {
  answered: Answer | undefined;
  user: string | undefined;
}

const HEAD_ONLY = Object.freeze({ head: true });

/**
 * The status logged for a request whose client closed the connection before the whole
 * response was sent (nginx's "client closed request").
 */
export const CLIENT_CLOSED_STATUS = 499;

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
  private readonly activity: ActivityLog | undefined;
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
    this.activity = options.activity;
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
    const handler = options.tracing?.wrap(onRequest) ?? onRequest;
    // HTTPS: node:https on the listening socket, and no fast path (it reads raw TCP bytes;
    // node:https parses and answers every request; its cost is not measured yet).
    this.server =
      options.tls === undefined
        ? createServer(serverOptions, handler)
        : createHttpsServer({ ...serverOptions, ...options.tls }, handler);
    this.fast =
      options.fastPath === false || options.tls !== undefined
        ? undefined
        : new FastPath({
            http: this.server,
            headerTimeoutMs,
            idleTimeoutMs: options.idleTimeoutMs,
            sendTimeoutMs: options.sendTimeoutMs,
            checkIntervalMs: serverOptions.connectionsCheckingInterval,
            answer: (req, peer) => this.fastAnswer(req, peer),
            // Only the access log and the audit log read request ids (record).
            recordsIds: this.accessLog !== undefined || options.audit !== undefined,
            record:
              this.accessLog === undefined &&
              this.requests === undefined &&
              this.activity === undefined &&
              options.audit === undefined
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
  private fastAnswer(req: SimpleHead, peer: FastPeer): Answer | Promise<Answer> | undefined {
    const addresses = this.options.clientAddresses;
    // Without trusted proxies the client is the peer: worked out once per connection.
    req.client =
      addresses?.active === true
        ? addresses.of(peer.address, req.forwardedFor)
        : (peer.client ??=
            addresses === undefined ? peer.address : addresses.of(peer.address, undefined));
    try {
      const kept = keptTarget(req, this.paths, this.options.service, this.options.sumdb);
      if (kept === null) return undefined;
      const gate = this.options.gate;
      if (gate !== undefined) {
        // Credentials that need bcrypt, wrong ones, and refused reads: node:http answers.
        const auth = gate.authenticateNow(req.authorization);
        if (auth === undefined || !auth.ok) return undefined;
        if (gate.checksReads && !gate.mayRead(auth.principal, kept.req.modulePath)) {
          return undefined;
        }
        req.user = auth.principal.user;
      }
      const opts = req.head ? HEAD_ONLY : undefined;
      const answer = this.options.service.answer(kept.req, opts, kept);
      // A cached answer's entry: where the fast path keeps the answer's head (response-head.ts).
      const entry = kept.entry;
      if (entry !== undefined && entry.answer === answer) req.cached = entry;
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
    this.activity?.record(entry);
    if (this.options.audit !== undefined) auditRequest(this.options.audit, this.paths, entry);
  }

  /** The client address of a node:http request. */
  private clientOf(req: IncomingMessage): string | undefined {
    const addresses = this.options.clientAddresses;
    const peer = req.socket.remoteAddress;
    return addresses === undefined ? peer : addresses.of(peer, req.headers['x-forwarded-for']);
  }

  /** Puts a new certificate and key in force for new TLS connections (reloads). */
  setSecureContext(tls: SecureContextOptions): void {
    (this.server as Server & { setSecureContext(o: SecureContextOptions): void }).setSecureContext(
      tls,
    );
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
    const state: RequestState = { answered: undefined, user: undefined };
    const client = this.clientOf(req);
    // One listener per response: in-flight accounting and the access line. Answers are
    // written with raw headers (not readable back with getHeader): the line reads the Answer.
    res.on('close', () => {
      const entry: AccessEntry = {
        reqId: id,
        method: req.method,
        path: req.url,
        status: this.loggedStatus(res),
        bytes: state.answered?.size ?? res.getHeader('content-length'),
        cache:
          state.answered === undefined ? res.getHeader('x-modgate-cache') : state.answered.cache,
        ms: Math.round((performance.now() - started) * 100) / 100,
        complete: res.writableFinished,
        client,
        user: state.user,
      };
      this.options.tracing?.end(req, entry); // the request's span ends; its ids join the line
      this.record(entry);
      this.active--;
      if (this.active === 0) this.idle?.();
    });
    const gate = this.options.gate;
    const auth = gate?.authenticate(req.headers.authorization);
    if (auth instanceof Promise) {
      // A password to check with bcrypt: rate-limited by address first (guessing costs CPU).
      if (this.options.rateLimit?.refuse(req, res, client) === true) return;
      auth
        .then((result) => this.authenticated(req, res, id, state, client, result, true))
        .catch((err: unknown) => this.fail(err, id, req, res));
      return;
    }
    this.authenticated(req, res, id, state, client, auth, false);
  }

  /** The rest of a request once its credentials are read: limits, access, the answer. */
  private authenticated(
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    state: RequestState,
    client: string | undefined,
    auth: AuthResult | undefined,
    limited: boolean,
  ): void {
    const gate = this.options.gate;
    if (gate !== undefined && auth !== undefined && !auth.ok) {
      this.fast?.release(req);
      sendDenial(res, req, gate.failed(auth), id);
      return;
    }
    const principal = auth?.ok === true ? auth.principal : ANONYMOUS;
    state.user = principal.user;
    // Rate limiting by user when there is one, else by client address.
    const key = principal.user === undefined ? client : `user:${principal.user}`;
    if (!limited && this.options.rateLimit?.refuse(req, res, key) === true) return;
    // `modgate publish` uploads (issue 14 item 6), when publishing is configured.
    const publish = this.options.publish;
    if (publish !== undefined && req.url?.startsWith(PUBLISH_PREFIX) === true) {
      // Its authorize hook asks for the publish permission (app/publishing.ts).
      void handlePublish(req, res, req.url.split('?')[0] ?? '', publish, id);
      return;
    }
    // The dashboard (issue 15): `/-/` is never a module path; one prefix check, slow path only.
    if (this.options.dashboard !== undefined && req.url?.startsWith('/-/') === true) {
      void answerOtherRoute(this.options, this.readiness, { req, res, id, principal });
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
        const denial =
          preq !== null && gate?.checksReads === true
            ? gate.readDenial(principal, preq.modulePath)
            : undefined;
        if (denial !== undefined) return sendDenial(res, req, denial, id);
        if (preq !== null) pending = answerRequest(this.options.service, req, preq);
      } catch (err) {
        this.fail(err, id, req, res);
        return;
      }
      if (pending !== undefined) {
        const head = method === 'HEAD';
        if (!(pending instanceof Promise)) {
          state.answered = pending;
          const sending = writeAnswer(res, pending, id, head, this.options.sendTimeoutMs);
          if (sending !== undefined) sending.catch((err: unknown) => this.fail(err, id, req, res));
          return;
        }
        pending
          .then((answer) => {
            state.answered = answer;
            return writeAnswer(res, answer, id, head, this.options.sendTimeoutMs);
          })
          .catch((err: unknown) => this.fail(err, id, req, res));
        return;
      }
    }
    void answerOtherRoute(this.options, this.readiness, { req, res, id, principal });
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
    return `${this.options.tls === undefined ? 'http' : 'https'}://${hostPart}:${addr.port}`;
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
    this.options.audit?.flush();
  }
}
