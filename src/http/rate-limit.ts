import type { IncomingMessage, ServerResponse } from 'node:http';
import { BoundedCache, objectBytes } from '../cache/index.js';
import { sendText } from './send-text.js';

export interface RateLimitOptions {
  /** Tokens added per second to each client's bucket (> 0). */
  requestsPerSecond: number;
  /** The bucket's size: requests a client may make at once above its rate (at least 1). */
  burst: number;
  /** Called once per refused request (modgate_http_rate_limited_total). */
  onLimited?: (() => void) | undefined;
  /** Memory for the clients' buckets (least recently seen clients go first); 4 MiB default. */
  maxBytes?: number;
  /** The clock, in ms (tests move their own). */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was computed. */
  at: number;
}

/**
 * Per-client rate limiting (issue 11 item 4): a token bucket per client address, `burst`
 * tokens at most, refilled at `requestsPerSecond`. The buckets live in a BoundedCache (by
 * bytes, least recently seen first): a client forgotten under pressure starts again with a
 * full bucket, which errs on the side of serving. Behind a load balancer every request has the
 * balancer's address (docs/configuration.md says to leave the limit off there).
 */
export class RateLimiter {
  private readonly buckets: BoundedCache<Bucket>;
  private readonly now: () => number;
  private readonly rate: number;
  private readonly burst: number;

  constructor(private readonly options: RateLimitOptions) {
    this.now = options.now ?? (() => performance.now());
    this.rate = options.requestsPerSecond / 1000;
    this.burst = Math.max(1, options.burst);
    this.buckets = new BoundedCache<Bucket>({
      maxBytes: options.maxBytes ?? 4 * 1024 * 1024,
      sizeOf: () => objectBytes(2),
    });
  }

  /**
   * Takes a token of `client`'s bucket: 0 when the request may go on, else the seconds until
   * the bucket has a token again (rounded up: what Retry-After says).
   */
  take(client: string): number {
    const now = this.now();
    let bucket = this.buckets.get(client);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(client, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.rate);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate / 1000));
  }

  /**
   * Answers 429 with Retry-After and says so (true) when `client` (the user, `user:<name>`, or
   * the client address; default the peer's address) is over its limit; false when the request
   * may be served.
   */
  refuse(
    req: IncomingMessage,
    res: ServerResponse,
    client: string | undefined = req.socket.remoteAddress,
  ): boolean {
    const wait = this.take(client ?? '');
    if (wait === 0) return false;
    this.options.onLimited?.();
    res.setHeader('retry-after', String(wait));
    sendText(
      res,
      req,
      429,
      `too many requests: over ${this.options.requestsPerSecond} requests per second from this ${client?.startsWith('user:') === true ? 'user' : 'address'}; retry after ${wait}s\n`,
    );
    return true;
  }
}
