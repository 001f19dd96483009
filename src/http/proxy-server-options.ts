import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { ActivityLog } from '../dashboard/index.js';
import type { AuditLog } from '../log/index.js';
import type { ModgateMetrics } from '../metrics/index.js';
import type { RequestTracing } from '../metrics/tracing/index.js';
import type { Principal } from '../policy/index.js';
import type { ModuleService } from '../service/module-service.js';
import type { SumdbProxyDeps } from '../sumdb/proxy/index.js';
import type { AuthGate } from './auth-gate.js';
import type { ClientAddresses } from './client-address.js';
import type { DashboardRouteOptions } from './dashboard-routes.js';
import type { IndexFeedRoute } from './index-feed-handler.js';
import type { PublishRouteOptions } from './publish-route.js';
import type { RateLimiter } from './rate-limit.js';
import type { ReadinessSources } from './readiness.js';

/** What ProxyServer (proxy-server.ts) is built from: app/build-app.ts fills it in. */
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
  /** How long a streamed answer may wait on a client that takes none of it (0: no limit). */
  sendTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerClient: number;
  /** The process's open-file limit (default: read from /proc/self/limits; tests set it). */
  descriptorLimit?: number;
  /**
   * Cached hits answered on the strict node:net fast path (fast-path/fast-path.ts), everything
   * else by node:http (YAML `server.fast_path`; default true). False: node:http only.
   */
  fastPath?: boolean | undefined;
  /**
   * The JSON of /.well-known/modgate/client-config (app/client-config.ts) for a principal,
   * once listening.
   */
  clientConfig?: ((principal: Principal) => string | undefined) | undefined;
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
  /** Authentication and read access (issue 14); undefined: everyone anonymous, reads everything. */
  gate?: AuthGate | undefined;
  /** The client address of a request (trusted proxies' X-Forwarded-For); undefined: the peer's. */
  clientAddresses?: ClientAddresses | undefined;
  /** One audit line per module request (issue 14 item 4); undefined: none. */
  audit?: AuditLog | undefined;
  /** Recent requests for the dashboard (issue 15), fed once per finished request; O(1). */
  activity?: ActivityLog | undefined;
  /** The dashboard's pages and API under `/-/` (issue 15); undefined: not served. */
  dashboard?: DashboardRouteOptions | undefined;
  /** HTTPS with this certificate and key (issue 14 item 5); the fast path is off then. */
  tls?: SecureContextOptions | undefined;
}
