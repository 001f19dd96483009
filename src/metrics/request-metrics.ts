import { Counter, Gauge, type Registry } from 'prom-client';
import type { TargetMemo } from '../log/index.js';
import { ArrayHistogram, add } from './array-histogram.js';
import { REQUEST_BUCKETS } from './buckets.js';
import { ROUTES, requestRoute } from './request-route.js';

/** The `code_class` label: the status class of the answer (1xx never ends a request here). */
export const CODE_CLASSES = Object.freeze(['2xx', '3xx', '4xx', '5xx'] as const);

/** The `cache` label: the service's X-Modgate-Cache value, `none` for what it did not answer. */
export const CACHE_RESULTS = Object.freeze([
  'hit',
  'miss',
  'stale',
  'revalidated',
  'none',
] as const);

const NONE = 4;
const CLASSES = CODE_CLASSES.length;
const CACHES = CACHE_RESULTS.length;

/** What one finished request contributes (the fields of an access-log entry it uses). */
export interface FinishedRequest {
  /** The raw request target (its shape gives the route; the path itself is never kept). */
  path: string | undefined;
  method: string | undefined;
  status: number;
  /** The X-Modgate-Cache value answered, if any. */
  cache: unknown;
  /** The body length answered (Content-Length), if known. */
  bytes: unknown;
  /** Whether the whole response was handed to the operating system. */
  complete: boolean;
  ms: number;
  /** What is kept with the target across requests, if anything (its `route` memo is ours). */
  targetMemo?: TargetMemo | undefined;
}

/**
 * The request metrics of the catalogue: modgate_http_requests_total{route,code_class,cache},
 * modgate_http_request_duration_seconds{route}, modgate_http_response_bytes_total{route},
 * modgate_http_rate_limited_total and modgate_http_requests_in_flight.
 *
 * `record` runs once per answered request, fast path included, so it only adds to plain
 * arrays indexed by label; the registry's counters are brought up to date from them when
 * scraped (collect). Series appear once they have counted something.
 */
export class RequestMetrics {
  private readonly requests = new Float64Array(ROUTES.length * CLASSES * CACHES);
  private readonly bytes = new Float64Array(ROUTES.length);
  private rateLimited = 0;
  private readonly durations: ArrayHistogram;
  private inFlight: () => number = () => 0;

  constructor(registry: Registry) {
    this.durations = new ArrayHistogram(
      'modgate_http_request_duration_seconds',
      'Time from a request being read to its response being handed to the operating system, by route.',
      'route',
      ROUTES,
      REQUEST_BUCKETS,
    );
    registry.registerMetric(this.durations.asMetric());
    const requests = this.requests;
    new Counter({
      name: 'modgate_http_requests_total',
      help: 'Requests answered, by route kind, status class and cache result.',
      labelNames: ['route', 'code_class', 'cache'],
      registers: [registry],
      collect() {
        this.reset();
        for (let i = 0; i < requests.length; i++) {
          const v = requests[i] as number;
          if (v === 0) continue;
          const cache = i % CACHES;
          const cls = Math.floor(i / CACHES) % CLASSES;
          const route = Math.floor(i / (CACHES * CLASSES));
          this.inc(
            {
              route: ROUTES[route] as string,
              code_class: CODE_CLASSES[cls] as string,
              cache: CACHE_RESULTS[cache] as string,
            },
            v,
          );
        }
      },
    });
    const bytes = this.bytes;
    new Counter({
      name: 'modgate_http_response_bytes_total',
      help: 'Response body bytes sent in full, by route (HEAD and cut-short responses send none counted).',
      labelNames: ['route'],
      registers: [registry],
      collect() {
        this.reset();
        for (let r = 0; r < bytes.length; r++) {
          const v = bytes[r] as number;
          if (v > 0) this.inc({ route: ROUTES[r] as string }, v);
        }
      },
    });
    const limited: Counter = new Counter({
      name: 'modgate_http_rate_limited_total',
      help: 'Requests refused with 429 Too Many Requests (per-client rate limiting).',
      registers: [registry],
      collect: () => {
        limited.reset();
        limited.inc(this.rateLimited);
      },
    });
    const inFlight: Gauge = new Gauge({
      name: 'modgate_http_requests_in_flight',
      help: 'Requests being answered right now.',
      registers: [registry],
      collect: () => inFlight.set(this.inFlight()),
    });
  }

  /** Where the in-flight count is read at scrape time (the HTTP server's own count). */
  countInFlight(source: () => number): void {
    this.inFlight = source;
  }

  /**
   * Requests counted so far by cache result (the counters modgate_http_requests_total serves,
   * summed over routes and status classes), and in all: for the dashboard's cache ratio.
   */
  cacheTotals(): { hit: number; miss: number; stale: number; revalidated: number; all: number } {
    const byCache = [0, 0, 0, 0, 0];
    for (let i = 0; i < this.requests.length; i++) {
      byCache[i % CACHES] = (byCache[i % CACHES] as number) + (this.requests[i] as number);
    }
    const [hit = 0, miss = 0, stale = 0, revalidated = 0, none = 0] = byCache;
    return { hit, miss, stale, revalidated, all: hit + miss + stale + revalidated + none };
  }

  /** Records one finished request: a handful of array additions. */
  record(e: FinishedRequest): void {
    const memo = e.targetMemo;
    let route: number;
    if (memo === undefined) {
      route = requestRoute(e.path);
    } else {
      route = memo.route;
      if (route < 0) route = memo.route = requestRoute(e.path);
    }
    const status = e.status;
    const cls = status < 300 ? 0 : status < 400 ? 1 : status < 500 ? 2 : 3;
    add(this.requests, (route * CLASSES + cls) * CACHES + cacheIndex(e.cache), 1);
    this.durations.observe(route, e.ms / 1000);
    if (e.complete && e.method !== 'HEAD') {
      const n = typeof e.bytes === 'number' ? e.bytes : Number(e.bytes);
      if (n > 0) add(this.bytes, route, n);
    }
    if (status === 429) this.rateLimited++;
  }
}

function cacheIndex(cache: unknown): number {
  switch (cache) {
    case 'hit':
      return 0;
    case 'miss':
      return 1;
    case 'stale':
      return 2;
    case 'revalidated':
      return 3;
    default:
      return NONE;
  }
}
