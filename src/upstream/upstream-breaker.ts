import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
} from 'cockatiel';
import { ModgateError } from '../errors/index.js';
import type { BreakerState, UpstreamObserver } from './upstream-observer.js';

export interface UpstreamBreakerOptions {
  /** The upstream's label (error messages, observer events). */
  label: string;
  /** Consecutive failures that open the breaker (at least 1). */
  failures: number;
  /** How long it stays open before one call goes through as a probe. */
  cooldownMs: number;
  observer: UpstreamObserver;
  /** The clock of the cool-down (tests move it); Date.now by default. */
  now?: () => number;
}

/** The error of a call refused by an open breaker: never retried, never counted again. */
export class BreakerOpenError extends ModgateError {
  constructor(message: string) {
    super('upstream', message);
  }
}

/**
 * The circuit breaker of one upstream: cockatiel's CircuitBreakerPolicy with a
 * ConsecutiveBreaker. `run` counts a failure when the call throws an error `isFailure` accepts
 * (transient failures, see isTransientFailure); a value, or an error it does not accept (an
 * answer the upstream did give), is not a failure, and a value resets the count. While open,
 * and while the one half-open probe is in flight, calls are refused at once with a
 * BreakerOpenError that says so (cockatiel would make them wait for the probe).
 */
export class UpstreamBreaker {
  private readonly policy: CircuitBreakerPolicy;
  private readonly now: () => number;
  /** When the breaker last opened, on `now`'s clock. */
  private openedAt = 0;
  private lastFailure: string | undefined;

  constructor(
    private readonly options: UpstreamBreakerOptions,
    isFailure: (err: unknown) => boolean,
  ) {
    this.now = options.now ?? Date.now;
    const cooldown = this.cooldown();
    this.policy = circuitBreaker(
      handleWhen((err) => isFailure(err)),
      { halfOpenAfter: cooldown, breaker: new ConsecutiveBreaker(options.failures) },
    );
    this.policy.onBreak(() => {
      this.openedAt = this.now();
    });
    this.policy.onFailure((event) => {
      if (event.handled && 'error' in event.reason)
        this.lastFailure = messageOf(event.reason.error);
    });
    this.policy.onSuccess(() => {
      this.lastFailure = undefined;
    });
    this.policy.onStateChange((state) =>
      options.observer.breakerState(options.label, stateName(state)),
    );
    options.observer.breakerState(options.label, 'closed');
  }

  get state(): BreakerState {
    return stateName(this.policy.state);
  }

  /** Runs `fn` through the breaker; rejects at once with a BreakerOpenError while open. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.policy.state === CircuitState.HalfOpen) throw this.openError('a probe is in flight');
    try {
      return await this.policy.execute(fn);
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        const left = Math.max(0, this.options.cooldownMs - (this.now() - this.openedAt));
        throw this.openError(`retrying in ${Math.ceil(left / 1000)}s`);
      }
      throw err;
    }
  }

  /**
   * Counts a failure seen after a call succeeded (a zip's body cut short): like a failed call
   * while the breaker is closed; nothing when it is open or probing (the probe decides).
   */
  recordFailure(err: unknown): void {
    if (this.policy.state !== CircuitState.Closed) return;
    this.policy.execute(() => Promise.reject(err as Error)).catch(() => undefined);
  }

  /** Counts a success seen after the call (a zip's body read whole) while closed. */
  recordSuccess(): void {
    if (this.policy.state !== CircuitState.Closed) return;
    this.policy.execute(() => Promise.resolve()).catch(() => undefined);
  }

  private openError(then: string): BreakerOpenError {
    const last = this.lastFailure === undefined ? '' : ` (last: ${this.lastFailure})`;
    return new BreakerOpenError(
      `upstream ${this.options.label}: circuit breaker open after ${this.options.failures} consecutive failures${last}; ${then}`,
    );
  }

  /**
   * The cool-down as a cockatiel backoff read on our clock: cockatiel compares Date.now() with
   * `duration`, so the duration says "not yet" (infinite) until `now` has moved past the
   * cool-down, then "already" (-1). With Date.now as the clock this is the plain cool-down.
   */
  private cooldown(): IBackoffFactory<unknown> {
    const { now } = this;
    const { cooldownMs } = this.options;
    const factory: IBackoffFactory<unknown> = {
      next: (): IBackoff<unknown> => {
        const openedAt = now();
        return {
          get duration() {
            return now() - openedAt >= cooldownMs ? -1 : Number.POSITIVE_INFINITY;
          },
          next: (context) => factory.next(context),
        };
      },
    };
    return factory;
  }
}

function stateName(state: CircuitState): BreakerState {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half_open';
    default:
      return 'open';
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
