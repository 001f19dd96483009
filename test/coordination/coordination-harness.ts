// Shared pieces of the coordination tests: a logger whose lines the test reads, an observer
// that counts, a coordinator on a RedisServer, and a bounded wait for a condition.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log/index.js';
import type { CoordinationObserver, FallbackReason } from '../../src/coordination/index.js';
import { RedisCoordinator } from '../../src/coordination/redis-coordinator.js';

export class LogLines {
  readonly lines: Record<string, unknown>[] = [];
  readonly logger: Logger;
  constructor() {
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim() !== '') this.lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    this.logger = createLogger({ level: 'info', format: 'json' }, sink);
  }
  /** The messages logged so far that match `pattern`. */
  matching(pattern: RegExp): string[] {
    return this.lines.map((l) => String(l.msg)).filter((m) => pattern.test(m));
  }
  get text(): string {
    return this.lines.map((l) => JSON.stringify(l)).join('\n');
  }
}

export class CountingObserver implements CoordinationObserver {
  readonly ups: boolean[] = [];
  readonly fallbacks: FallbackReason[] = [];
  up(isUp: boolean): void {
    this.ups.push(isUp);
  }
  fallback(reason: FallbackReason): void {
    this.fallbacks.push(reason);
  }
}

export interface Replica {
  coordinator: RedisCoordinator;
  observer: CountingObserver;
  log: LogLines;
}

/** A RedisCoordinator (one "replica") on `url`, with its own log and observer. */
export async function replica(
  url: string,
  opts: { lockTtlMs?: number; waitTimeoutMs?: number; keyPrefix?: string } = {},
): Promise<Replica> {
  const log = new LogLines();
  const observer = new CountingObserver();
  const coordinator = new RedisCoordinator({
    url,
    keyPrefix: opts.keyPrefix ?? 'test:',
    lockTtlMs: opts.lockTtlMs ?? 30_000,
    waitTimeoutMs: opts.waitTimeoutMs ?? 60_000,
    logger: log.logger,
    observer,
  });
  await until(() => coordinator.isUp, 'the coordinator connects to Redis');
  return { coordinator, observer, log };
}

/** Resolves once `condition()` holds; checks every 20 ms, fails after `limitMs` (generous). */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 30_000,
): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A promise and its resolver (a gate a test opens). */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}
