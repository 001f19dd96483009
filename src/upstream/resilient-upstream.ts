import { handleWhen, retry } from 'cockatiel';
import { ModgateError, errorKind, isNotFound } from '../errors/index.js';
import { deadlineSignal } from './deadline-signal.js';
import { fullJitterBackoff } from './full-jitter-backoff.js';
import { isTransientFailure } from './transient-failure.js';
import { untilAborted } from './until-aborted.js';
import { BreakerOpenError, UpstreamBreaker } from './upstream-breaker.js';
import { BulkheadFullError, UpstreamBulkhead } from './upstream-bulkhead.js';
import {
  NO_UPSTREAM_OBSERVER,
  type AttemptOutcome,
  type BreakerState,
  type UpstreamObserver,
  type UpstreamOperation,
} from './upstream-observer.js';
import type { FetchContext, RevInfo, Upstream, ZipSource } from './upstream.js';

/** How calls to one upstream are retried, broken and bounded (Config's UpstreamResilience). */
export interface ResilienceSettings {
  readonly retries: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** 0: no breaker. */
  readonly breakerFailures: number;
  readonly breakerCooldownMs: number;
  /** 0: no bulkhead. */
  readonly maxConcurrentFetches: number;
  readonly maxQueuedFetches: number;
}

export interface ResilientUpstreamOptions {
  /** The `upstream` label: the entry's description (no credentials) or `direct`. */
  label: string;
  settings: ResilienceSettings;
  observer?: UpstreamObserver;
  /**
   * The request's own deadline for an operation (the upstream's timeout for it): every
   * attempt and backoff delay of one call fits in it, so retries never make a request slower
   * than one attempt could be. Undefined: no deadline known, and timeouts are not retried.
   */
  deadlineMs?: (operation: UpstreamOperation) => number | undefined;
  /** Clock for durations, deadlines and the breaker's cool-down (tests move their own). */
  now?: () => number;
  /** In [0, 1), for the backoff's jitter. */
  random?: () => number;
}

/** What /readyz shows of one upstream. */
export interface UpstreamHealth {
  upstream: string;
  state: BreakerState;
  lastError?: string;
}

/** An attempt's result inside the breaker: a not-found answer is a success there. */
type Outcome<T> = { value: T } | { notFound: unknown };

/**
 * The resilience decorator of one chain entry (issue 11), a stack of cockatiel policies around
 * the entry's Upstream, outermost first:
 * 1. retry — transient failures only (isTransientFailure: connection errors, 5xx, timeouts;
 *    never not-found, refused content, checksum or size failures, an open breaker or a full
 *    bulkhead), at most `retries` more attempts with exponential backoff and full jitter,
 *    within the request's deadline and abort signal. Outermost so that each attempt passes
 *    the breaker (an open breaker ends the retries) and waits for a slot of its own (no slot
 *    is held during a backoff delay).
 * 2. circuit breaker — counts each attempt's transient failure; not-found is a success; an
 *    abort by the caller is neither. While open, calls fail at once (kind `upstream`, 502;
 *    ChainUpstream goes on at once after `|`). Outside the bulkhead, so a refused call takes
 *    no slot and a full bulkhead (our load, not the upstream's fault) counts as nothing.
 * 3. bulkhead — `maxConcurrentFetches` in flight, `maxQueuedFetches` waiting, beyond: kind
 *    `unavailable` (503). A zip keeps its slot until its body has been read.
 *
 * A zip is retried only until its ZipSource is returned: before that no byte exists for the
 * consumer; after it, the consumer may have sent bytes to a client, and a failure in the body
 * is left to ZipSource.fallback (the next `|` entry, whose bytes the service compares with
 * what was sent).
 */
export class ResilientUpstream implements Upstream {
  readonly description: string;
  private readonly label: string;
  private readonly settings: ResilienceSettings;
  private readonly observer: UpstreamObserver;
  private readonly now: () => number;
  private readonly breaker: UpstreamBreaker | undefined;
  private readonly bulkhead: UpstreamBulkhead | undefined;
  /** The last transient failure's message, until an answer comes (/readyz). */
  private lastFailure: string | undefined;
  /** Failures that are not the upstream's (the caller aborted): not counted by the breaker. */
  private readonly neutral = new WeakSet<object>();

  constructor(
    private readonly inner: Upstream,
    private readonly options: ResilientUpstreamOptions,
  ) {
    this.description = inner.description;
    this.label = options.label;
    this.settings = options.settings;
    this.observer = options.observer ?? NO_UPSTREAM_OBSERVER;
    this.now = options.now ?? Date.now;
    const { settings, label, observer } = this;
    this.breaker =
      settings.breakerFailures > 0
        ? new UpstreamBreaker(
            {
              label,
              failures: settings.breakerFailures,
              cooldownMs: settings.breakerCooldownMs,
              observer,
              now: this.now,
            },
            (err) => isTransientFailure(err) && !this.isNeutral(err),
          )
        : undefined;
    this.bulkhead =
      settings.maxConcurrentFetches > 0
        ? new UpstreamBulkhead({
            label,
            maxConcurrent: settings.maxConcurrentFetches,
            maxQueued: settings.maxQueuedFetches,
            observer,
          })
        : undefined;
  }

  /** The breaker's state and the last failure (closed and none without a breaker). */
  health(): UpstreamHealth {
    const lastError = this.lastFailure;
    return {
      upstream: this.label,
      state: this.breaker?.state ?? 'closed',
      ...(lastError === undefined ? {} : { lastError }),
    };
  }

  list(modulePath: string, ctx: FetchContext): Promise<string[]> {
    return this.call('list', ctx, (c) => this.inner.list(modulePath, c));
  }
  info(modulePath: string, query: string, ctx: FetchContext): Promise<RevInfo> {
    return this.call('info', ctx, (c) => this.inner.info(modulePath, query, c));
  }
  latest(modulePath: string, ctx: FetchContext): Promise<RevInfo> {
    return this.call('latest', ctx, (c) => this.inner.latest(modulePath, c));
  }
  mod(modulePath: string, version: string, ctx: FetchContext): Promise<Buffer> {
    return this.call('mod', ctx, (c) => this.inner.mod(modulePath, version, c));
  }
  zip(modulePath: string, version: string, ctx: FetchContext): Promise<ZipSource> {
    return this.call('zip', ctx, (c) => this.inner.zip(modulePath, version, c), {
      hold: (source, release) => {
        if (release) whenBodyDone(source, release);
        this.watchBody(source, ctx);
      },
      whenDone: whenBodyDone,
      discard: (source) => source.stream.destroy(),
    });
  }

  /** One call with its retries (the stack's outer layer). */
  private async call<T>(
    operation: UpstreamOperation,
    ctx: FetchContext,
    fn: (ctx: FetchContext) => Promise<T>,
    zip?: ZipHooks<T>,
  ): Promise<T> {
    const deadline = this.options.deadlineMs?.(operation);
    const started = this.now();
    const remaining = (): number =>
      deadline === undefined ? Number.POSITIVE_INFINITY : deadline - (this.now() - started);
    let attempts = 0;
    /** The last failure that came from the upstream (not from our deadline). */
    let lastFailure: unknown;
    let deadlineError: unknown;
    const attempt = async (): Promise<Outcome<T>> => {
      attempts++;
      if (attempts === 1) return this.attempt(operation, ctx, fn, zip, ctx.signal);
      const left = remaining();
      // The caller gave up during the backoff delay (it was answered then: untilAborted), or
      // the deadline passed: no attempt more.
      if (left <= 0 || ctx.signal?.aborted === true) throw lastFailure;
      if (deadline === undefined) return this.attempt(operation, ctx, fn, zip, ctx.signal);
      // Later attempts end at the deadline (the first has the upstream's own timeout).
      const bounded = deadlineSignal(ctx.signal, left, this.label);
      deadlineError = bounded.reason;
      let outcome: Outcome<T> | undefined;
      try {
        outcome = await this.attempt(
          operation,
          { ...ctx, signal: bounded.signal },
          fn,
          zip,
          ctx.signal,
        );
        return outcome;
      } finally {
        // A zip's body is still to be read with this signal: the caller's abort must reach
        // it until the body is done (the deadline itself was for the answer to start).
        const source = outcome !== undefined && 'value' in outcome ? outcome.value : undefined;
        if (zip && source !== undefined) {
          bounded.stopTimer();
          zip.whenDone(source, bounded.dispose);
        } else bounded.dispose();
      }
    };
    const retryable = (err: unknown): boolean =>
      !(err instanceof BreakerOpenError) &&
      isTransientFailure(err) &&
      !(ctx.signal?.aborted ?? false) &&
      (deadline !== undefined || errorKind(err) !== 'timeout') &&
      remaining() > 0;
    const run = async (): Promise<Outcome<T>> => {
      if (this.settings.retries <= 0) return attempt();
      const policy = retry(
        handleWhen((err) => {
          if (err !== deadlineError) lastFailure = err;
          return retryable(err);
        }),
        {
          maxAttempts: this.settings.retries,
          backoff: fullJitterBackoff({
            initialDelayMs: this.settings.retryInitialDelayMs,
            maxDelayMs: this.settings.retryMaxDelayMs,
            capMs: remaining,
            ...(this.options.random ? { random: this.options.random } : {}),
          }),
        },
      );
      policy.onRetry(() => this.observer.retry(this.label, operation));
      return policy.execute(attempt);
    };
    let outcome: Outcome<T>;
    try {
      outcome = await untilAborted(run(), ctx.signal, (late) => {
        if ('value' in late) zip?.discard(late.value);
      });
    } catch (err) {
      const failure = err === deadlineError && lastFailure !== undefined ? lastFailure : err;
      throw attempts > 1 ? withAttempts(failure, attempts) : failure;
    }
    if ('notFound' in outcome) throw outcome.notFound;
    return outcome.value;
  }

  /**
   * One attempt: through the breaker, then a bulkhead slot, then the upstream. `caller` is
   * the caller's own signal (`ctx.signal` may also carry the retry deadline): an attempt the
   * caller gave up on is reported to the observer as no outcome at all — neither a timeout
   * nor an error of the upstream's.
   */
  private async attempt<T>(
    operation: UpstreamOperation,
    ctx: FetchContext,
    fn: (ctx: FetchContext) => Promise<T>,
    zip: ZipHooks<T> | undefined,
    caller: AbortSignal | undefined,
  ): Promise<Outcome<T>> {
    const once = async (): Promise<Outcome<T>> => {
      const release = this.bulkhead ? await this.bulkhead.acquire(ctx.signal) : undefined;
      const started = this.now();
      let held = false;
      let value: T;
      try {
        value = await fn(ctx);
        this.report(operation, 'ok', started);
        this.lastFailure = undefined;
        if (zip) {
          zip.hold(value, release);
          held = true;
        }
      } catch (err) {
        if (isNotFound(err)) {
          this.report(operation, 'not_found', started);
          this.lastFailure = undefined;
          return { notFound: err };
        }
        if (caller?.aborted !== true) {
          this.report(operation, errorKind(err) === 'timeout' ? 'timeout' : 'error', started);
        }
        if (ctx.signal?.aborted && typeof err === 'object' && err !== null) this.neutral.add(err);
        else if (isTransientFailure(err)) this.lastFailure = messageOf(err);
        throw err;
      } finally {
        if (!held) release?.();
      }
      // A zip's outcome for the breaker is its body's (watchBody): its answer starting is
      // neither a success nor a failure there, so it leaves the breaker as an error the
      // breaker does not count and is turned back into the value below.
      if (zip) throw new ZipStarted(value);
      return { value };
    };
    try {
      return this.breaker ? await this.breaker.run(once) : await once();
    } catch (err) {
      if (err instanceof ZipStarted) return { value: err.value as T };
      if (err instanceof BreakerOpenError || err instanceof BulkheadFullError) {
        this.observer.attempt(this.label, operation, 'rejected', 0);
      }
      throw err;
    }
  }

  /**
   * A zip counts for the breaker once its body is read: a success when it ends, a failure when
   * it fails transiently (a reset, a deadline, silence) — no longer one the call can retry (the
   * consumer has the stream: ZipSource.fallback moves on to the next `|` entry). A body the
   * consumer drops, or refuses (checksum, size), counts as nothing.
   */
  private watchBody(source: ZipSource, ctx: FetchContext): void {
    const breaker = this.breaker;
    if (breaker !== undefined) source.stream.once('end', () => breaker.recordSuccess());
    source.stream.once('error', (err: unknown) => {
      if (!isTransientFailure(err) || (ctx.signal?.aborted ?? false)) return;
      this.lastFailure = messageOf(err);
      breaker?.recordFailure(err);
    });
  }

  private report(operation: UpstreamOperation, outcome: AttemptOutcome, started: number): void {
    this.observer.attempt(this.label, operation, outcome, (this.now() - started) / 1000);
  }

  private isNeutral(err: unknown): boolean {
    return typeof err === 'object' && err !== null && this.neutral.has(err);
  }
}

/** A zip whose answer started, carried out of the breaker (see attempt). */
class ZipStarted extends Error {
  constructor(readonly value: unknown) {
    super('zip answer started');
  }
}

interface ZipHooks<T> {
  /**
   * Takes a successful value over: its bulkhead slot (when there is one) until it is done with
   * (a zip's body read or dropped), and what happens to its body.
   */
  hold: (value: T, release: (() => void) | undefined) => void;
  /** Calls `done` once the value is done with (a zip's body ended, failed or was dropped). */
  whenDone: (value: T, done: () => void) => void;
  /** Drops a value that arrived after the caller gave up. */
  discard: (value: T) => void;
}

function whenBodyDone(source: ZipSource, release: () => void): void {
  const { stream } = source;
  if (stream.destroyed || stream.readableEnded) return release();
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    release();
  };
  stream.once('end', once);
  stream.once('error', once);
  stream.once('close', once);
}

/** The last failure, saying how many attempts were made. */
function withAttempts(err: unknown, attempts: number): unknown {
  if (!(err instanceof ModgateError) || isNotFound(err)) return err;
  return new ModgateError(err.kind, `${err.message} (${attempts} attempts)`, { cause: err });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
