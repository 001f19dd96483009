import type { Singleflight } from '../async/index.js';
import { LocalCoordinator, type Coordinator } from '../coordination/index.js';
import type { ProxyRequest } from '../protocol/proxy-request.js';
import type { Storage } from '../storage/storage.js';
import type { Answer } from './answer.js';
import type { AnswerCache } from './answer-cache.js';

type ListRequest = Extract<ProxyRequest, { kind: 'list' | 'latest' }>;

export interface ListRefreshOptions {
  storage: Storage;
  cache: AnswerCache;
  /** Shares freshness with other replicas (in-process: nothing is shared). */
  coordinator: Coordinator;
  /** How long a list / @latest stays fresh (`cache.list_ttl`). */
  listTtlMs: number;
  now: () => number;
  /** The body of the list or @latest answer, from upstream (policy and not-found applied). */
  fetch: (req: ListRequest, key: string) => Promise<Buffer>;
  /** The answer body as served: the stored (raw) body with blocked versions left out. */
  allowed: (req: ListRequest, body: Buffer) => Buffer | Promise<Buffer>;
  /** The answer when the refresh failed with `err` (held versions, the stale copy, or `err`). */
  fallback: (
    req: ListRequest,
    err: unknown,
    stored: { body: Buffer } | undefined,
  ) => Promise<Answer>;
}

/**
 * `@v/list` and `@latest` past their freshness (or never seen here): refreshed from upstream,
 * else the fallback (held versions, a stale copy). Storage keeps the upstream's answer as it
 * came; the cache and clients get it with blocked versions left out (`allowed`).
 *
 * Across replicas a refresh is coordinated like any miss: one replica refreshes, stores it and
 * marks it fresh in Redis for `list_ttl`; the others, finding it fresh there, read it from
 * storage — a list refreshed by one replica is not fetched again by the others within its TTL
 * (its age counts from that refresh, by Redis's clock).
 */
export class ListRefresh {
  constructor(private readonly options: ListRefreshOptions) {}

  /**
   * A hot list / @latest near its expiry (AnswerCache.refreshAhead), refreshed in the
   * background while its cached copy is still answered: joined with any refresh in flight
   * (`flights`, the service's); a failure leaves the copy to expire and the next request to
   * refresh it as usual. In-process coordination only: across replicas (Redis) a list another
   * replica marked fresh would be read back instead of refreshed, so there lists are refreshed
   * on expiry, as before.
   */
  ahead(req: Readonly<ProxyRequest>, key: string, flights: Singleflight<Answer>): void {
    if (req.kind !== 'list' && req.kind !== 'latest') return;
    if (!(this.options.coordinator instanceof LocalCoordinator)) return;
    flights.do(key, () => this.refresh(req, key)).catch(() => undefined);
  }

  /** `force`: fetched from upstream even when the stored copy is fresh (an admin's refresh). */
  async refresh(req: ListRequest, key: string, force = false): Promise<Answer> {
    const { cache, storage } = this.options;
    let stored = cache.listCopy(key);
    if (stored === undefined) {
      const [body, stat] = await Promise.all([storage.getBytes(key), storage.stat(key)]);
      if (body && stat) {
        stored = {
          body: await this.options.allowed(req, body),
          fetchedAt: stat.modified.getTime(),
        };
        const fresh = cache.putList(key, req.kind, stored.body, stored.fetchedAt);
        if (fresh !== undefined && !force) return fresh;
      }
    }
    const stale = stored;
    return this.options.coordinator.once(key, {
      lookup: () => this.refreshedElsewhere(req, key),
      fetch: async () => ({ value: await this.fromUpstream(req, key, stale) }),
    });
  }

  /** The copy another replica refreshed and stored, if it is still fresh. */
  private async refreshedElsewhere(req: ListRequest, key: string): Promise<Answer | undefined> {
    const left = await this.options.coordinator.freshFor(key);
    if (left <= 0) return undefined;
    const raw = await this.options.storage.getBytes(key);
    if (raw === null) return undefined;
    const body = await this.options.allowed(req, raw);
    const fetchedAt = this.options.now() - Math.max(0, this.options.listTtlMs - left);
    return this.options.cache.putList(key, req.kind, body, fetchedAt);
  }

  private async fromUpstream(
    req: ListRequest,
    key: string,
    stored: { body: Buffer; fetchedAt: number } | undefined,
  ): Promise<Answer> {
    const { cache } = this.options;
    let raw: Buffer;
    try {
      raw = await this.options.fetch(req, key);
    } catch (err) {
      return this.options.fallback(req, err, stored);
    }
    const fetchedAt = this.options.now();
    try {
      await this.options.storage.putBytes(key, raw);
    } catch (err) {
      return this.options.fallback(req, err, stored);
    }
    this.options.coordinator.markFresh(key, this.options.listTtlMs);
    const body = await this.options.allowed(req, raw);
    cache.putList(key, req.kind, body, fetchedAt);
    return {
      status: 200,
      kind: req.kind,
      body,
      size: body.length,
      cache: stored?.body.equals(body) === true ? 'revalidated' : 'miss',
      maxAge: cache.maxAgeOf(fetchedAt) ?? 0,
      immutable: false,
    };
  }
}
