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
  /**
   * A counter of the blocks the process has read from disk (getrusage's ru_inblock: Node's
   * `process.resourceUsage().fsRead`), read after a slow read only.
   */
  diskBlocksRead: () => number;
}

const DEFAULTS: SyncReadGateOptions = {
  slowMs: 4,
  closedMs: 1000,
  maxClosedMs: 60_000,
  now: () => performance.now(),
  diskBlocksRead: () => process.resourceUsage().fsRead,
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
 *
 * A read can also be slow without the disk: on a busy machine the kernel may take the core
 * from the event loop in the middle of a memory copy, for a few ms. Closing the gate then
 * sends every read through the pool for a second or more, which costs more CPU on a machine
 * already short of it (16 downloads on a loaded 2-core machine: ~85 % of the reads went
 * through the pool). So a slow chunk of a stored-file stream (recordStreamRead) closes the
 * gate only if the process read blocks from disk since the last slow chunk (the kernel's
 * ru_inblock count, which a read from the page cache leaves as it is and a read that waits for
 * the disk increments); the count is read after a slow chunk only (~3 us), never on the fast
 * path. A chunk that waits for a disk read counted against another process (or on a network
 * file system that does not count blocks) does not close the gate then: the price of not
 * calling getrusage around every read. A small file's read on the loop (recordSyncRead: its
 * open, path lookup included, fstat, read and close) closes it on time alone, as before.
 */
export class SyncReadGate {
  private readonly options: SyncReadGateOptions;
  /** The clock reading before which reads go through the pool. */
  private closedUntil = -Infinity;
  private nextClosedMs: number;
  /** The disk-blocks count at the last slow stream read (or when the gate was made). */
  private blocksSeen: number;

  constructor(options: Partial<SyncReadGateOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.nextClosedMs = this.options.closedMs;
    this.blocksSeen = this.options.diskBlocksRead();
  }

  /** The clock, for timing a read. */
  now(): number {
    return this.options.now();
  }

  /** True when the next read may be synchronous. */
  isOpen(): boolean {
    return this.options.now() >= this.closedUntil;
  }

  /**
   * Records a small file's synchronous read (read-small-file-sync.ts: open, fstat, read, close)
   * that started at `startedAt` (a reading of `now()`) and is done: slower than `slowMs`, it
   * closes the gate — on time alone, not with recordStreamRead's disk-blocks check, which was
   * measured for stream chunks only.
   */
  recordSyncRead(startedAt: number): void {
    const end = this.options.now();
    if (end - startedAt <= this.options.slowMs) {
      this.nextClosedMs = this.options.closedMs;
      return;
    }
    this.close(end);
  }

  /**
   * Records a synchronous read of a stored file's bytes (a stream's chunk, from an open
   * descriptor) that started at `startedAt`: slower than `slowMs`, it closes the gate only if
   * the process read blocks from disk since the last slow read (see the class comment); a slow
   * read without leaves it open.
   */
  recordStreamRead(startedAt: number): void {
    const end = this.options.now();
    if (end - startedAt <= this.options.slowMs) {
      this.nextClosedMs = this.options.closedMs;
      return;
    }
    const blocks = this.options.diskBlocksRead();
    const fromDisk = blocks !== this.blocksSeen;
    this.blocksSeen = blocks;
    if (fromDisk) this.close(end); // else the core was busy elsewhere: still a memory copy
  }

  private close(end: number): void {
    this.closedUntil = end + this.nextClosedMs;
    this.nextClosedMs = Math.min(this.nextClosedMs * 2, this.options.maxClosedMs);
  }
}

/** The gate of every stored-file stream in the process (they share the machine's disks). */
export const processSyncReadGate = new SyncReadGate();
