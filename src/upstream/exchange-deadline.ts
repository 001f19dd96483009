import { ModgateError } from '../errors/index.js';

export interface ExchangeDeadlineOptions {
  /** Names the request in messages (no credentials). */
  label: string;
  /** Deadline for the whole exchange; none when absent. */
  timeoutMs?: number;
  /** What the deadline is called where users set it, e.g. `upstream_http.zip_timeout`. */
  timeoutName?: string;
  /** The caller's own cancellation (its client went away). */
  signal?: AbortSignal;
}

/**
 * One deadline for a whole HTTP exchange (connect, redirects, headers and the entire body) and
 * the caller's cancellation, as one AbortSignal whose reason is the ModgateError to report.
 *
 * Deliberately not `AbortSignal.any([AbortSignal.timeout(ms), …])`: on Node 20 a timeout signal
 * that only a composite signal refers to can be garbage-collected before it fires, and the
 * deadline silently disappears (an upstream trickling a body then holds the request open for
 * as long as it likes). Here a plain timer holds the controller until it fires or `release()`
 * clears it — which the HTTP client does when the body ends, fails or is destroyed, so nothing
 * outlives the exchange and the process can exit.
 */
export class ExchangeDeadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private readonly callerSignal: AbortSignal | undefined;
  private readonly onCallerAbort = (): void => {
    const reason: unknown = this.callerSignal?.reason;
    const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
    this.abort(
      new ModgateError(
        'timeout',
        `${this.options.label}: ${timedOut ? 'timed out' : 'request aborted'}`,
        {
          cause: reason,
        },
      ),
    );
  };

  constructor(private readonly options: ExchangeDeadlineOptions) {
    const { timeoutMs, signal } = options;
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        const name = options.timeoutName === undefined ? '' : ` (${options.timeoutName})`;
        this.abort(
          new ModgateError(
            'timeout',
            `${options.label}: timed out: no complete answer within ${formatMs(timeoutMs)}${name}`,
          ),
        );
      }, timeoutMs);
    }
    if (signal !== undefined) {
      this.callerSignal = signal;
      if (signal.aborted) this.onCallerAbort();
      else signal.addEventListener('abort', this.onCallerAbort, { once: true });
    }
  }

  /** Aborts when the deadline passes or the caller cancels; the reason is a ModgateError. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The exchange is over: stop the timer and stop listening to the caller. Idempotent. */
  release(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  private abort(reason: ModgateError): void {
    this.release();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }
}

/** 30000 → "30s", 600000 → "10m", 1500 → "1.5s". */
export function formatMs(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(1))}s`;
  return `${ms}ms`;
}
