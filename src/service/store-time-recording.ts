import type { Readable } from 'node:stream';
import { BoundedCache } from '../cache/index.js';
import { unescapePath, unescapeVersion } from '../module/index.js';
import type { ByteRange, PutOptions, Storage, StoredStat } from '../storage/storage.js';
import type { StoreTimeLog } from './store-time-log.js';

/** A module version's zip key: `<escaped path>/@v/<escaped version>.zip`. */
const ZIP_KEY = /^(.+)\/@v\/([^/]+)\.zip$/;

/**
 * A Storage decorator that records in the store-time log (StoreTimeLog) each module version
 * whose zip is stored for the first time — by the stash's commit (serve, `warm --data-dir`),
 * or by `mirror sync` — so the index feed lists every version this modgate holds, however it
 * came. The record is appended after the zip is stored and before the write resolves; a
 * record that cannot be written is reported to `onError` and does not fail the write (the zip
 * is stored and served; only the feed misses it). A zip stored again (same key) is not
 * recorded twice.
 *
 * The write resolves once the zip is stored, without waiting for its record: the log gathers
 * records for a moment and writes them together (StoreTimeLog), and a zip's commit — which a
 * request for that zip may be waiting on — is not held up by it. `settle` and `close` write
 * the records gathered; the log's `read` includes them.
 */
export class StoreTimeRecording implements Storage {
  readonly listSizes?: Storage['listSizes'];
  /**
   * Zip keys a read through this object just found missing (bounded): storing one of them is
   * its first time, known without the stat that otherwise precedes the put — one file-system
   * round trip less per zip a cold proxy stores (issue 9 item 6).
   */
  private readonly missing = new BoundedCache<true>({ maxBytes: 1 << 20, sizeOf: () => 0 });

  constructor(
    private readonly inner: Storage,
    private readonly log: StoreTimeLog,
    private readonly onError: (key: string, err: unknown) => void = () => undefined,
  ) {
    const sizes = inner.listSizes?.bind(inner);
    if (sizes !== undefined) this.listSizes = sizes;
  }

  get description(): string {
    return this.inner.description;
  }

  getBytes(key: string, signal?: AbortSignal): Promise<Buffer | null> {
    return this.seen(key, this.inner.getBytes(key, signal));
  }

  putBytes(key: string, data: Buffer, signal?: AbortSignal, options?: PutOptions): Promise<void> {
    return this.recorded(key, signal, () => this.inner.putBytes(key, data, signal, options));
  }

  stat(key: string, signal?: AbortSignal): Promise<StoredStat | null> {
    return this.seen(key, this.inner.stat(key, signal));
  }

  openRead(
    key: string,
    range?: ByteRange,
    signal?: AbortSignal,
  ): Promise<{ stream: Readable; stat: StoredStat } | null> {
    return this.seen(key, this.inner.openRead(key, range, signal));
  }

  putStream(key: string, stream: Readable, size: number, signal?: AbortSignal): Promise<void> {
    return this.recorded(key, signal, () => this.inner.putStream(key, stream, size, signal));
  }

  putFile(key: string, path: string, size: number, signal?: AbortSignal): Promise<void> {
    return this.recorded(key, signal, () => this.inner.putFile(key, path, size, signal));
  }

  delete(key: string, signal?: AbortSignal): Promise<void> {
    return this.inner.delete(key, signal);
  }

  list(prefix: string, signal?: AbortSignal): Promise<string[]> {
    return this.inner.list(prefix, signal);
  }

  checkReady(signal?: AbortSignal): Promise<void> {
    return this.inner.checkReady(signal);
  }

  /** Resolves once every record of a zip stored so far was written (or failed: onError). */
  settle(): Promise<void> {
    return this.log.settle();
  }

  async close(): Promise<void> {
    await this.log.settle();
    return this.inner.close();
  }

  /** Passes a read's result on, remembering a zip key it found missing. */
  private async seen<T>(key: string, read: Promise<T | null>): Promise<T | null> {
    const got = await read;
    if (key.endsWith('.zip')) {
      if (got === null) this.missing.set(key, true);
      else this.missing.delete(key);
    }
    return got;
  }

  private async recorded(
    key: string,
    signal: AbortSignal | undefined,
    put: () => Promise<void>,
  ): Promise<void> {
    const version = zipVersionOf(key);
    if (version === undefined) return put();
    const missed = this.missing.get(key) === true;
    this.missing.delete(key);
    const existed = !missed && (await this.inner.stat(key, signal)) !== null;
    await put();
    if (existed) return;
    // Not awaited, and not cancelled with the write: the zip is stored, its record follows.
    this.log.record(version.path, version.version).catch((err: unknown) => {
      this.onError(key, err);
    });
  }
}

/** The module version of a zip key, or undefined for any other key. */
function zipVersionOf(key: string): { path: string; version: string } | undefined {
  const m = ZIP_KEY.exec(key);
  if (m === null || m[1] === undefined || m[2] === undefined || m[1].includes('@')) {
    return undefined;
  }
  try {
    return { path: unescapePath(m[1]), version: unescapeVersion(m[2]) };
  } catch {
    return undefined; // not a module's key: nothing to record
  }
}
