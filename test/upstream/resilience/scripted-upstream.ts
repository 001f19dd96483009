import { Readable } from 'node:stream';
import { ModgateError } from '../../../src/errors/index.js';
import type { FetchContext, RevInfo, Upstream, ZipSource } from '../../../src/upstream/upstream.js';
import type {
  AttemptOutcome,
  BreakerState,
  UpstreamObserver,
  UpstreamOperation,
} from '../../../src/upstream/upstream-observer.js';

/**
 * What one call does: answer, fail with an error, `hang` until the call's signal aborts (then
 * reject with its reason), or `wait` until the test calls the returned release.
 */
export type Step = 'ok' | ModgateError | 'hang' | { wait: Promise<void> };

/**
 * An in-process upstream that plays a script, one step per call (the last step repeats),
 * counting calls and remembering the signal each call got. No network.
 */
export class ScriptedUpstream implements Upstream {
  readonly description: string;
  calls = 0;
  readonly signals: (AbortSignal | undefined)[] = [];
  /** Runs before every step (tests move their clock here: the call "took" that long). */
  onCall: () => void = () => undefined;
  /** The body of each zip answered. */
  zipBody: () => Readable = () => Readable.from([Buffer.from('zip bytes')]);

  constructor(
    private readonly script: Step[],
    description = 'https://scripted.example',
  ) {
    this.description = description;
  }

  private async step(ctx: FetchContext): Promise<void> {
    const step = this.script[Math.min(this.calls, this.script.length - 1)] ?? 'ok';
    this.calls++;
    this.signals.push(ctx.signal);
    this.onCall();
    if (step === 'ok') return;
    if (step instanceof ModgateError) throw step;
    if (step === 'hang') {
      await new Promise<void>((_, reject) => {
        const signal = ctx.signal;
        if (signal === undefined) return;
        const fail = (): void => reject(asError(signal.reason));
        if (signal.aborted) fail();
        else signal.addEventListener('abort', fail, { once: true });
      });
      return;
    }
    await step.wait;
  }

  async list(_m: string, ctx: FetchContext): Promise<string[]> {
    await this.step(ctx);
    return ['v1.0.0'];
  }
  async info(_m: string, query: string, ctx: FetchContext): Promise<RevInfo> {
    await this.step(ctx);
    return { version: query, raw: Buffer.from(`{"Version":"${query}"}`) };
  }
  async latest(_m: string, ctx: FetchContext): Promise<RevInfo> {
    await this.step(ctx);
    return { version: 'v1.0.0', raw: Buffer.from('{"Version":"v1.0.0"}') };
  }
  async mod(_m: string, _v: string, ctx: FetchContext): Promise<Buffer> {
    await this.step(ctx);
    return Buffer.from('module example.com/m\n');
  }
  async zip(_m: string, _v: string, ctx: FetchContext): Promise<ZipSource> {
    await this.step(ctx);
    return { stream: this.zipBody(), size: 9 };
  }
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** Every observer event, as strings easy to assert on. */
export class RecordingObserver implements UpstreamObserver {
  readonly events: string[] = [];
  attempt(upstream: string, op: UpstreamOperation, outcome: AttemptOutcome): void {
    this.events.push(`attempt ${upstream} ${op} ${outcome}`);
  }
  retry(upstream: string, op: UpstreamOperation): void {
    this.events.push(`retry ${upstream} ${op}`);
  }
  breakerState(upstream: string, state: BreakerState): void {
    this.events.push(`breaker ${upstream} ${state}`);
  }
  bulkhead(upstream: string, queued: number): void {
    this.events.push(`queued ${upstream} ${queued}`);
  }
  bulkheadRejected(upstream: string): void {
    this.events.push(`rejected ${upstream}`);
  }
  count(prefix: string): number {
    return this.events.filter((e) => e.startsWith(prefix)).length;
  }
}

/** A clock the test moves by hand. */
export class ManualClock {
  t = 1_000_000;
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A promise and its resolver. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}
