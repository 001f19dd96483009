import { ModgateError, type ErrorKind } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { CoordinationObserver } from './coordination-observer.js';
import type { Coordinator, Fetched, LockGuard, OnceWork, SharedAnswer } from './coordinator.js';
import { RedisDown, RedisLink } from './redis-link.js';
import { RedisLock } from './redis-lock.js';
import { Wakeups } from './wakeups.js';

export interface RedisCoordinatorOptions {
  /** `coordination.redis_url` (a secret: only its redacted form is ever shown). */
  url: string;
  /** `coordination.key_prefix`. */
  keyPrefix: string;
  /** `coordination.lock_ttl`: how long a lock lives unless renewed. */
  lockTtlMs: number;
  /** `coordination.wait_timeout`: the longest wait for another replica's fetch or a lock. */
  waitTimeoutMs: number;
  logger: Logger;
  observer?: CoordinationObserver | undefined;
}

/** Failures of the replica that fetched that its waiters do not share: they try themselves. */
const OWN_FAILURES: readonly ErrorKind[] = ['unavailable', 'internal'];
/** A shared failure's message is cut here (upstream messages can be long). */
const MAX_MESSAGE = 1000;

/**
 * Announcements (`announce`) travel on the `done` channel too, as `{k: "announce:<topic>"}`:
 * no storage key starts with `announce:` (a module path's first element has a dot).
 */
const ANNOUNCE = 'announce:';

/** What the replica that fetched `k` publishes when it is done: nothing, or its failure. */
interface Done {
  readonly k: string;
  readonly e?: SharedAnswer;
}

/**
 * Coordination across replicas through one Redis (`coordination.redis_url`), see Coordinator.
 * Redis keys (all under `keyPrefix`): `fetch:<storage key>` the lock of a miss being fetched,
 * `lock:<name>` the exclusive locks of `withLock`, `nf:<storage key>` shared "not found"
 * answers, `fresh:<storage key>` lists and @latest answers refreshed less than their TTL ago;
 * one pub/sub channel, `done`, on which a replica announces the end of a fetch or a lock, and
 * changes of shared state (`announce`).
 *
 * Whenever Redis cannot be reached (down at start, lost mid-run, a command timing out), each
 * call falls back to what a single process does — fetch, share nothing — and is counted
 * (observer.fallback); `withLock` alone refuses instead (see Coordinator.withLock).
 * Waiters do not rely on notifications alone: every poll interval (a tenth of the lock's
 * lifetime, at most 1 s) a waiter tries to take the lock, so a missed notification or a dead
 * holder costs at most that interval or the lock's lifetime.
 */
export class RedisCoordinator implements Coordinator {
  private readonly link: RedisLink;
  private readonly wakeups = new Wakeups<Done>();
  /** `announce` listeners by `announce:<topic>`. */
  private readonly announced = new Map<string, Set<() => void>>();
  private readonly held = new Set<RedisLock>();
  private readonly pollMs: number;

  constructor(private readonly options: RedisCoordinatorOptions) {
    this.pollMs = Math.min(1000, Math.max(25, options.lockTtlMs / 10));
    this.link = new RedisLink({
      url: options.url,
      keyPrefix: options.keyPrefix,
      // A renewal must come back well within the lock's lifetime.
      commandTimeoutMs: Math.max(1000, Math.min(5000, options.lockTtlMs / 3)),
      logger: options.logger,
      observer: options.observer,
      onMessage: (text) => this.onMessage(text),
    });
  }

  get description(): string {
    return this.link.description;
  }

  /**
   * Resolves true once Redis can be used, false after `ms` without it (start-up: serving does
   * not wait longer for a Redis that is down; the link keeps trying in the background).
   */
  connected(ms: number): Promise<boolean> {
    return this.link.waitUp(ms);
  }

  /** Whether Redis can be used right now. */
  get isUp(): boolean {
    return this.link.isUp;
  }

  async once<T>(key: string, work: OnceWork<T>): Promise<T> {
    const deadline = Date.now() + this.options.waitTimeoutMs;
    const lock = new RedisLock(this.link, this.link.key(`fetch:${key}`), this.options.lockTtlMs);
    for (;;) {
      const step = await this.attempt(lock, key, deadline);
      if (step === 'acquired') return this.fetchHolding(key, lock, work);
      if (step === 'down') return this.fallback('unavailable', work);
      if (step === 'timeout') return this.fallback('wait_timeout', work);
      const done = step.done;
      if (done === undefined) continue; // poll: try the lock again
      if (done.e !== undefined && !OWN_FAILURES.includes(done.e.kind)) {
        throw new ModgateError(done.e.kind, done.e.message);
      }
      const found = await work.lookup();
      if (found !== undefined) return found;
    }
  }

  async recallNotFound(key: string): Promise<SharedAnswer | undefined> {
    if (!this.link.isUp) return undefined;
    try {
      const text = await this.link.run((r) => r.get(this.link.key(`nf:${key}`)));
      return text === null ? undefined : parseAnswer(text);
    } catch {
      return undefined;
    }
  }

  rememberNotFound(key: string, answer: SharedAnswer, ttlMs: number): void {
    if (ttlMs < 1 || !this.link.isUp) return;
    const text = JSON.stringify(shareable(answer));
    this.link.fireAndForget((r) => r.set(this.link.key(`nf:${key}`), text, 'PX', Math.ceil(ttlMs)));
  }

  async freshFor(key: string): Promise<number> {
    if (!this.link.isUp) return 0;
    try {
      const ms = await this.link.run((r) => r.pttl(this.link.key(`fresh:${key}`)));
      return Math.max(0, ms);
    } catch {
      return 0;
    }
  }

  markFresh(key: string, ttlMs: number): void {
    if (ttlMs < 1 || !this.link.isUp) return;
    this.link.fireAndForget((r) =>
      r.set(this.link.key(`fresh:${key}`), '1', 'PX', Math.ceil(ttlMs)),
    );
  }

  forget(key: string): void {
    if (!this.link.isUp) return;
    const keys = [this.link.key(`nf:${key}`), this.link.key(`fresh:${key}`)];
    this.link.fireAndForget((r) => r.del(...keys));
  }

  async withLock<T>(name: string, work: (guard: LockGuard) => Promise<T>): Promise<T> {
    const unavailable = (why: string): ModgateError =>
      new ModgateError('unavailable', `the lock ${name}: ${why}`);
    const lock = new RedisLock(this.link, this.link.key(`lock:${name}`), this.options.lockTtlMs);
    const deadline = Date.now() + this.options.waitTimeoutMs;
    const wakeKey = `lock:${name}`;
    for (;;) {
      const step = await this.attempt(lock, wakeKey, deadline);
      if (step === 'acquired') break;
      if (step === 'down') {
        throw unavailable(
          `it is kept in Redis (${this.description}), which cannot be reached; refusing to go on without it`,
        );
      }
      if (step === 'timeout') {
        throw unavailable(
          `another replica held it for longer than coordination.wait_timeout (${this.options.waitTimeoutMs} ms)`,
        );
      }
    }
    this.held.add(lock);
    const guard: LockGuard = {
      confirm: async () => {
        let still: boolean;
        try {
          still = await lock.renew();
        } catch {
          throw unavailable('Redis cannot be reached to confirm it is still held; not committing');
        }
        if (!still) {
          throw unavailable(
            `it expired while held (a stall longer than coordination.lock_ttl, ${this.options.lockTtlMs} ms); not committing`,
          );
        }
      },
    };
    try {
      return await work(guard);
    } finally {
      this.held.delete(lock);
      await lock.release();
      this.publish(wakeKey);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.held].map((lock) => lock.release()));
    this.held.clear();
    await this.link.close();
  }

  /**
   * One try at `lock`: taken (`acquired`), Redis unreachable (`down`), past `deadline`
   * (`timeout`), or else a wait of at most one poll interval for the holder's announcement on
   * `wakeKey` (`done` undefined: the interval passed). Listening starts before asking for the
   * lock, so a release in between still wakes the waiter.
   */
  private async attempt(
    lock: RedisLock,
    wakeKey: string,
    deadline: number,
  ): Promise<'acquired' | 'down' | 'timeout' | { readonly done: Done | undefined }> {
    const wakeup = this.wakeups.listen(wakeKey);
    let acquired: boolean;
    try {
      acquired = await lock.tryAcquire();
    } catch (err) {
      wakeup.cancel();
      if (!(err instanceof RedisDown)) throw err;
      return 'down';
    }
    if (acquired) {
      wakeup.cancel();
      return 'acquired';
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      wakeup.cancel();
      return 'timeout';
    }
    return { done: await wakeup.wait(Math.min(remaining, this.pollMs)) };
  }

  /**
   * This replica holds the fetch lock of `key`: it looks once more (another replica may have
   * stored the file between this replica's own look and the lock), fetches, answers its
   * callers at once, and holds the lock (renewed) until the file is stored, then announces it.
   */
  private async fetchHolding<T>(key: string, lock: RedisLock, work: OnceWork<T>): Promise<T> {
    let fetched: Fetched<T>;
    try {
      const found = await work.lookup();
      if (found !== undefined) {
        await lock.release();
        return found;
      }
      fetched = await work.fetch();
    } catch (err) {
      this.publish(key, failureOf(err));
      await lock.release();
      throw err;
    }
    this.held.add(lock);
    void (async () => {
      try {
        await fetched.stored?.();
      } catch {
        // Not stored: the waiters find nothing and one of them fetches.
      } finally {
        this.held.delete(lock);
        this.publish(key);
        await lock.release();
      }
    })();
    return fetched.value;
  }

  private async fallback<T>(reason: 'unavailable' | 'wait_timeout', work: OnceWork<T>): Promise<T> {
    this.options.observer?.fallback(reason);
    return (await work.fetch()).value;
  }

  announce(topic: string): void {
    this.publish(`${ANNOUNCE}${topic}`);
  }

  onAnnounce(topic: string, listener: () => void): () => void {
    const key = `${ANNOUNCE}${topic}`;
    const set = this.announced.get(key) ?? new Set<() => void>();
    this.announced.set(key, set.add(listener));
    return () => void set.delete(listener);
  }

  private publish(key: string, failure?: SharedAnswer): void {
    const done: Done = failure === undefined ? { k: key } : { k: key, e: failure };
    const text = JSON.stringify(done);
    this.link.fireAndForget((r) => r.publish(this.link.channel, text));
  }

  private onMessage(text: string): void {
    let done: Done;
    try {
      done = JSON.parse(text) as Done;
    } catch {
      return;
    }
    if (typeof done.k !== 'string') return;
    if (done.k.startsWith(ANNOUNCE)) {
      for (const listener of this.announced.get(done.k) ?? []) listener();
      return;
    }
    const e = done.e === undefined ? undefined : parseAnswer(JSON.stringify(done.e));
    this.wakeups.wake(done.k, e === undefined ? { k: done.k } : { k: done.k, e });
  }
}

/** What waiters are told of a failure: its kind and message (the rest stays here). */
function failureOf(err: unknown): SharedAnswer {
  if (err instanceof ModgateError) return shareable({ kind: err.kind, message: err.message });
  return { kind: 'internal', message: 'the replica fetching it failed' };
}

function shareable(a: SharedAnswer): SharedAnswer {
  return { kind: a.kind, message: a.message.slice(0, MAX_MESSAGE) };
}

const KINDS: readonly ErrorKind[] = [
  'not-found',
  'gone',
  'invalid',
  'forbidden',
  'upstream',
  'timeout',
  'too-large',
  'checksum',
  'unavailable',
  'internal',
];

/** A shared answer read back from Redis; anything else is ignored (undefined). */
function parseAnswer(text: string): SharedAnswer | undefined {
  try {
    const v = JSON.parse(text) as { kind?: unknown; message?: unknown };
    if (typeof v.message !== 'string' || !KINDS.includes(v.kind as ErrorKind)) return undefined;
    return { kind: v.kind as ErrorKind, message: v.message };
  } catch {
    return undefined;
  }
}
