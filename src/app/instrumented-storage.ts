import type { Readable } from 'node:stream';
import { BoundedCache } from '../cache/index.js';
import type { StorageMetrics, StorageOperation, StorageOutcome } from '../metrics/index.js';
import type { ByteRange, PutOptions, Storage, StoredStat } from '../storage/index.js';

/** Stats at once while counting what is stored at start-up. */
const COUNT_CONCURRENCY = 8;

/**
 * A Storage decorator that records every call in the storage metrics (operation, outcome,
 * duration) and keeps the stored bytes and objects up to date:
 * - `get` is getBytes and openRead, `exists` stat, `put` putBytes/putStream/putFile; a read
 *   of a missing key is `not_found`; a call aborted by its caller (a client gone) is not
 *   recorded: it says nothing about storage. checkReady and close are not operations.
 * - the totals are counted once in the background at start (countStored: list, then a stat
 *   per key), never per scrape; from then on every put and delete through this object adjusts
 *   them (a put first stats its key, to know the size it replaces). Writes made meanwhile are
 *   remembered by key and win over what the count saw. Files written by another process on a
 *   shared data directory show up at the next start; two puts racing on one key may leave
 *   the totals off by that file until then.
 */
export class InstrumentedStorage implements Storage {
  /**
   * Keys a read through this object just found missing (bounded, least recently used out): a
   * put of one of them replaces nothing, so it needs no stat first. A cold proxy stores what it
   * has just missed — every `.info`, `.mod` and `.zip` — and that stat was one file-system
   * round trip more per stored file (issue 9 item 6). Another process writing the same key in
   * between leaves the totals off by that file until the next start, as racing puts may.
   */
  private readonly missing = new BoundedCache<true>({ maxBytes: 1 << 20, sizeOf: () => 0 });
  /** While counting: the latest size of each key written or deleted meanwhile (null: gone). */
  private changedWhileCounting: Map<string, number | null> | undefined;
  /**
   * Writes and deletes running: a count waits for them before it adds up
   * `changedWhileCounting`, else one that ended just after the count would be in neither.
   */
  private readonly writesRunning = new Set<Promise<unknown>>();
  private counted = false;
  /** Set by close(): a count cut short by it is no failure worth reporting. */
  closed = false;

  constructor(
    private readonly inner: Storage,
    private readonly metrics: StorageMetrics,
  ) {}

  get description(): string {
    return this.inner.description;
  }

  /**
   * Counts the stored files and bytes (once, at start; resolves when the gauges are set).
   * Failures leave the gauges absent rather than wrong.
   */
  async countStored(signal?: AbortSignal): Promise<void> {
    if (this.counted || this.changedWhileCounting !== undefined) return;
    const changed = new Map<string, number | null>();
    this.changedWhileCounting = changed;
    try {
      let bytes = 0;
      let objects = 0;
      if (this.inner.listSizes !== undefined) {
        // One listing carries the sizes (S3): no request per object.
        for (const { key, size } of await this.inner.listSizes('', signal)) {
          if (changed.has(key)) continue;
          bytes += size;
          objects++;
        }
      } else {
        const keys = await this.inner.list('', signal);
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < keys.length) {
            const key = keys[next++] as string;
            const stat = await this.inner.stat(key, signal);
            if (changed.has(key) || stat === null) continue;
            bytes += stat.size;
            objects++;
          }
        };
        await Promise.all(Array.from({ length: COUNT_CONCURRENCY }, worker));
      }
      while (this.writesRunning.size > 0) {
        await Promise.allSettled([...this.writesRunning]);
      }
      for (const size of changed.values()) {
        if (size === null) continue;
        bytes += size;
        objects++;
      }
      this.counted = true;
      this.metrics.storedCounted(bytes, objects);
    } finally {
      this.changedWhileCounting = undefined;
    }
  }

  getBytes(key: string, signal?: AbortSignal): Promise<Buffer | null> {
    return this.read('get', key, signal, () => this.inner.getBytes(key, signal));
  }

  openRead(
    key: string,
    range?: ByteRange,
    signal?: AbortSignal,
  ): Promise<{ stream: Readable; stat: StoredStat } | null> {
    return this.read('get', key, signal, () => this.inner.openRead(key, range, signal));
  }

  stat(key: string, signal?: AbortSignal): Promise<StoredStat | null> {
    return this.read('exists', key, signal, () => this.inner.stat(key, signal));
  }

  putBytes(key: string, data: Buffer, signal?: AbortSignal, options?: PutOptions): Promise<void> {
    return this.put(key, data.length, signal, () =>
      this.inner.putBytes(key, data, signal, options),
    );
  }

  putStream(key: string, stream: Readable, size: number, signal?: AbortSignal): Promise<void> {
    return this.put(key, size, signal, () => this.inner.putStream(key, stream, size, signal));
  }

  putFile(key: string, path: string, size: number, signal?: AbortSignal): Promise<void> {
    return this.put(key, size, signal, () => this.inner.putFile(key, path, size, signal));
  }

  delete(key: string, signal?: AbortSignal): Promise<void> {
    return this.change(async () => {
      const before = await this.sizeBefore(key);
      await this.timed('delete', signal, () => this.inner.delete(key, signal));
      this.stored(key, before, null);
      this.missing.set(key, true);
    });
  }

  list(prefix: string, signal?: AbortSignal): Promise<string[]> {
    return this.timed('list', signal, () => this.inner.list(prefix, signal));
  }

  checkReady(signal?: AbortSignal): Promise<void> {
    return this.inner.checkReady(signal);
  }

  close(): Promise<void> {
    this.closed = true;
    return this.inner.close();
  }

  private put(
    key: string,
    size: number,
    signal: AbortSignal | undefined,
    write: () => Promise<void>,
  ): Promise<void> {
    return this.change(async () => {
      const before = await this.sizeBefore(key);
      this.missing.delete(key);
      await this.timed('put', signal, write);
      this.stored(key, before, size);
    });
  }

  /** Runs a write or delete, known to a count in progress (see writesRunning). */
  private change(run: () => Promise<void>): Promise<void> {
    const running = run();
    this.writesRunning.add(running);
    const forget = (): void => {
      this.writesRunning.delete(running);
    };
    running.then(forget, forget);
    return running;
  }

  /** A read (null: missing, recorded `not_found` and remembered, see `missing`). */
  private async read<T>(
    operation: StorageOperation,
    key: string,
    signal: AbortSignal | undefined,
    call: () => Promise<T | null>,
  ): Promise<T | null> {
    const got = await this.timed(operation, signal, call, (value) =>
      value === null ? 'not_found' : 'ok',
    );
    this.seen(key, got);
    return got;
  }

  /** Runs one storage call and records its operation, outcome and duration. */
  private async timed<T>(
    operation: StorageOperation,
    signal: AbortSignal | undefined,
    call: () => Promise<T>,
    outcome: (value: T) => StorageOutcome = () => 'ok',
  ): Promise<T> {
    const started = performance.now();
    let value: T;
    try {
      value = await call();
    } catch (err) {
      this.failed(operation, started, signal);
      throw err;
    }
    this.done(operation, outcome(value), started);
    return value;
  }

  /**
   * The size a write replaces, when the totals are kept by deltas (after the count); not
   * needed while counting (the latest write wins) or when there are no totals. A key that
   * cannot be stat'ed counts as new (the write will report the real problem).
   */
  private async sizeBefore(key: string): Promise<number | null | undefined> {
    if (!this.counted) return undefined;
    if (this.missing.get(key) === true) return null; // a read just found it missing
    try {
      return (await this.inner.stat(key))?.size ?? null;
    } catch {
      return null;
    }
  }

  /** Remembers a key a read found missing (and forgets one it found). */
  private seen(key: string, got: unknown): void {
    if (got === null) this.missing.set(key, true);
    else this.missing.delete(key);
  }

  /** A write or delete of `key` succeeded: `after` is its size now (null: deleted). */
  private stored(key: string, before: number | null | undefined, after: number | null): void {
    const changed = this.changedWhileCounting;
    if (changed !== undefined) {
      changed.set(key, after);
      return;
    }
    if (!this.counted || before === undefined) return;
    const bytes = (after ?? 0) - (before ?? 0);
    const objects = (after === null ? 0 : 1) - (before === null ? 0 : 1);
    this.metrics.storedChanged(bytes, objects);
  }

  private done(op: StorageOperation, outcome: StorageOutcome, started: number): void {
    this.metrics.operation(op, outcome, (performance.now() - started) / 1000);
  }

  private failed(op: StorageOperation, started: number, signal: AbortSignal | undefined): void {
    if (signal?.aborted === true) return;
    this.metrics.operation(op, 'error', (performance.now() - started) / 1000);
  }
}
