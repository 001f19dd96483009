import type { Coordinator } from '../coordination/index.js';
import { ModgateError, isNotFound } from '../errors/index.js';
import type { Policy } from '../policy/module-policy.js';
import type { Upstream } from '../upstream/upstream.js';
import { NotFoundMemory } from './not-found-memory.js';

/** One upstream call, given the upstream the policy chose and the service's lifetime signal. */
export type Fetch<T> = (upstream: Upstream, ctx: { signal: AbortSignal }) => Promise<T>;

export interface UpstreamAccessOptions {
  upstreams: {
    chain: Upstream;
    private?: Upstream | undefined;
    /** The storage-only upstream of hosted modules (issue 14). */
    hosted: Upstream;
  };
  policy: Policy;
  /** How long a "not found" from the upstreams is remembered (0: not at all). */
  notFoundTtlMs: number;
  now: () => number;
  /** Where "not found" answers are shared with other replicas (in-process: nowhere). */
  coordinator: Coordinator;
  /** The service's lifetime: aborted when it closes. */
  signal: AbortSignal;
}

/**
 * Policy and bookkeeping around every upstream call of the module service: private paths never
 * go to an upstream proxy; recent "not found" answers are replayed — this process's own first
 * (a map lookup), then those other replicas shared (one round trip to Redis, on misses only) —
 * and new ones remembered here and shared.
 */
export class UpstreamAccess {
  private readonly notFound: NotFoundMemory;

  constructor(private readonly options: UpstreamAccessOptions) {
    this.notFound = new NotFoundMemory({ now: options.now });
  }

  /**
   * Forgets the "not found" for `key`, and its freshness, here and across replicas (a version
   * of its module was published here).
   */
  forget(key: string): void {
    this.notFound.forget(key);
    this.options.coordinator.forget(key);
  }

  async fetch<T>(modulePath: string, key: string, fetch: Fetch<T>): Promise<T> {
    let upstream = this.options.upstreams.chain;
    const policy = this.options.policy.forModule(modulePath);
    if (policy.hosted) upstream = this.options.upstreams.hosted;
    else if (policy.private) {
      const direct = this.options.upstreams.private;
      if (direct === undefined) {
        throw new ModgateError(
          'not-found',
          `${modulePath} matches the private module patterns, so modgate never requests it from an upstream proxy, and direct fetching is not configured`,
        );
      }
      upstream = direct;
    }
    const ttl = this.options.notFoundTtlMs;
    const remembered = this.notFound.recall(key);
    if (remembered) throw remembered;
    if (ttl > 0) {
      const shared = await this.options.coordinator.recallNotFound(key);
      if (shared !== undefined) throw new ModgateError(shared.kind, shared.message);
    }
    try {
      return await fetch(upstream, { signal: this.options.signal });
    } catch (err) {
      if (isNotFound(err) && err instanceof ModgateError) {
        this.notFound.remember(key, err, ttl);
        if (ttl > 0) {
          this.options.coordinator.rememberNotFound(
            key,
            { kind: err.kind, message: err.message },
            ttl,
          );
        }
      }
      throw err;
    }
  }
}
