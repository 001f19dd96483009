import { performance } from 'node:perf_hooks';

/** The gate's thresholds, and its clock (milliseconds; tests pass their own). */
export interface SyncReadGateOptions {
  /** A synchronous read slower than this closes the gate (the file was not in memory). */
  slowMs: number;
  /** How long the gate stays closed after the first slow read. */
  closedMs: number;
  /** The longest it stays closed: each slow read in a row doubles the time, up to this. */
  maxClosedMs: number;
  now: () => number;
}

const DEFAULTS: SyncReadGateOptions = {
  slowMs: 4,
  closedMs: 1000,
  maxClosedMs: 60_000,
  now: () => performance.now(),
};

/**
 * Decides whether a stored file's next chunk is read synchronously on the event loop or on
 * libuv's thread pool (issue 9 item 6). A read of a file in the page cache is a memory copy
 * (~30-100 us for 256 KiB here), and sending it through the thread pool costs more than the
 * copy: the request is queued under a mutex, a worker is woken, its completion wakes the loop
 * again, and with every thread on one core each hand-off is a context switch. 16 downloads of
 * a cached 105 MB zip measured 0.36 CPU s/GB with synchronous reads against 0.59 through the
 * pool (same run, bench/README.md). A read that must wait for the disk blocks the event loop
 * though, so the gate bounds that: a synchronous read slower than `slowMs` closes it, every
 * read goes through the pool for `closedMs`, then one read tries again; each slow read in a
 * row doubles the time closed, up to `maxClosedMs`, and a fast read resets it. On a slow disk
 * the event loop thus waits for at most one disk read per closed period (one per minute once
 * the disk stays slow), never for a stream of them.
 */
export class SyncReadGate {
  private readonly options: SyncReadGateOptions;
  /** The clock reading before which reads go through the pool. */
  private closedUntil = -Infinity;
  private nextClosedMs: number;

  constructor(options: Partial<SyncReadGateOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.nextClosedMs = this.options.closedMs;
  }

  /** The clock, for timing a read. */
  now(): number {
    return this.options.now();
  }

  /** True when the next read may be synchronous. */
  isOpen(): boolean {
    return this.options.now() >= this.closedUntil;
  }

  /** Records a synchronous read that started at `startedAt` (a reading of `now()`) and is done. */
  recordSyncRead(startedAt: number): void {
    const end = this.options.now();
    if (end - startedAt <= this.options.slowMs) {
      this.nextClosedMs = this.options.closedMs;
      return;
    }
    this.closedUntil = end + this.nextClosedMs;
    this.nextClosedMs = Math.min(this.nextClosedMs * 2, this.options.maxClosedMs);
  }
}

/** The gate of every stored-file stream in the process (they share the machine's disks). */
export const processSyncReadGate = new SyncReadGate();
