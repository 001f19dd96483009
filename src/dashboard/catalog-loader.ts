import type { Logger } from 'pino';
import type { ChecksumGate, FileToStore } from '../service/checksum-gate.js';
import type { Storage } from '../storage/index.js';
import { parseVersionFileKey } from './catalog-key.js';
import { Catalog, type CatalogVersion } from './catalog.js';

/** modgate's record of who published a version (service/publisher.ts publishRecordKey). */
const PUBLISHED = '-/published/';
/** How many .info / publish records are read at once while filling in times. */
const READ_CONCURRENCY = 8;
/** Hashes learnt by the gate for versions not stored yet, at most this many kept. */
const PENDING_HASHES = 1024;

export interface CatalogLoaderOptions {
  /** How often storage is listed again, for writes of other processes (0: never). */
  rescanIntervalMs: number;
  logger?: Logger | undefined;
  now?: (() => number) | undefined;
}

/**
 * Fills a Catalog and keeps it current:
 * - at start, and every `rescanIntervalMs`, one listing of the whole storage (listSizes where
 *   the backend has it: S3 — sizes come with the listing; else list, and a stat per zip), then
 *   the .info files and publish records of versions not seen before, read in the background
 *   8 at a time (their times, Origin, publisher and hashes);
 * - between listings, the writes this process makes, seen through `watch(storage)`, and the
 *   `h1:` hashes its checksum gates compute, seen through `gate`.
 * Another replica's writes show after the next listing: at most `rescanIntervalMs` late.
 */
export class CatalogLoader {
  readonly catalog = new Catalog();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  /** Writes noted while a listing runs, applied again after it replaces the catalog. */
  private during: { key: string; size: number }[] | undefined;
  private readonly pending = new Map<string, { h1?: string; goModH1?: string }>();
  private readonly abort = new AbortController();
  private readonly now: () => number;

  constructor(
    private readonly storage: Storage,
    private readonly options: CatalogLoaderOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Starts the first listing (in the background) and the rescans. */
  start(): void {
    void this.rescan();
    const every = this.options.rescanIntervalMs;
    if (every > 0) {
      this.timer = setInterval(() => void this.rescan(), every);
      this.timer.unref();
    }
  }

  /** Resolves when the listing in progress (if any) and its reads are done. */
  settled(): Promise<void> {
    return this.scanning ?? Promise.resolve();
  }

  close(): void {
    clearInterval(this.timer);
    this.abort.abort();
  }

  /** One listing now (joins one already running). */
  rescan(): Promise<void> {
    this.scanning ??= this.scan()
      .catch((err: unknown) => {
        if (this.abort.signal.aborted) return;
        this.options.logger?.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'dashboard: listing storage for the module catalog failed; it is retried at the next rescan',
        );
      })
      .finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async scan(): Promise<void> {
    const signal = this.abort.signal;
    this.during = [];
    const at = this.now();
    let listing: { key: string; size?: number }[];
    try {
      listing =
        this.storage.listSizes !== undefined
          ? await this.storage.listSizes('', signal)
          : (await this.storage.list('', signal)).map((key) => ({ key }));
    } catch (err) {
      this.during = undefined;
      throw err;
    }
    const during = this.during;
    this.during = undefined;
    this.catalog.replace(listing, at);
    for (const { key, size } of during) this.catalog.noteKey(key, size);
    // What the listing could not say: zip sizes (list without sizes), times, publishers.
    const reads: (() => Promise<void>)[] = [];
    for (const { key, size } of listing) {
      if (key.startsWith(PUBLISHED)) {
        reads.push(() => this.readPublishRecord(key));
        continue;
      }
      const parsed = parseVersionFileKey(key);
      if (parsed === undefined) continue;
      const v = this.catalog.version(parsed.modulePath, parsed.version);
      if (v === undefined) continue;
      if (parsed.file === 'zip' && size === undefined && v.size < 0) {
        reads.push(async () => {
          const stat = await this.storage.stat(key, signal);
          if (stat !== null) v.size = stat.size;
        });
      }
      if (parsed.file === 'info' && Number.isNaN(v.time)) {
        reads.push(async () => {
          const body = await this.storage.getBytes(key, signal);
          if (body !== null) noteInfo(v, body);
        });
      }
    }
    await runBounded(reads, READ_CONCURRENCY, signal);
  }

  private async readPublishRecord(key: string): Promise<void> {
    const body = await this.storage.getBytes(key, this.abort.signal);
    if (body !== null) this.notePublishRecord(key, body);
  }

  private notePublishRecord(key: string, body: Buffer): void {
    const versionKey = key.slice(PUBLISHED.length).replace(/\.json$/, '.info');
    const parsed = parseVersionFileKey(versionKey);
    if (parsed === undefined) return;
    try {
      const r = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      const v = this.catalog.version(parsed.modulePath, parsed.version, true);
      if (typeof r.Publisher === 'string') v.publisher = r.Publisher;
      if (typeof r.Sum === 'string') v.h1 = r.Sum;
      if (typeof r.GoModSum === 'string') v.goModH1 = r.GoModSum;
    } catch {
      // a damaged record says nothing about who published
    }
  }

  /** A write of this process completed. */
  private noted(key: string, size: number, body?: Buffer): void {
    if (key.startsWith(PUBLISHED)) {
      if (body !== undefined) this.notePublishRecord(key, body);
      return;
    }
    this.during?.push({ key, size });
    const v = this.catalog.noteKey(key, size);
    if (v === undefined) return;
    if (body !== undefined && key.endsWith('.info')) noteInfo(v, body);
    const id = keyId(key);
    const hashes = id === undefined ? undefined : this.pending.get(id);
    if (hashes !== undefined) {
      v.h1 ??= hashes.h1;
      v.goModH1 ??= hashes.goModH1;
    }
  }

  /** `storage` with every completed write and delete noted in the catalog. */
  watch(storage: Storage): Storage {
    return new CatalogWatchedStorage(storage, {
      stored: (key, size, body) => this.noted(key, size, body),
      deleted: (key) => this.catalog.noteDeleted(key),
    });
  }

  /**
   * A checksum gate that refuses nothing: it learns the `h1:` hashes of what is about to be
   * stored (the last gate, after every real one passed).
   */
  readonly gate: ChecksumGate = {
    check: (file: FileToStore): Promise<void> => {
      const v = this.catalog.version(file.modulePath, file.version);
      const id = `${file.modulePath}@${file.version}`;
      const hashes = v ?? this.pending.get(id) ?? {};
      if (file.file === 'zip') hashes.h1 = file.hash;
      else hashes.goModH1 = file.hash;
      if (v === undefined) {
        if (this.pending.size >= PENDING_HASHES) this.pending.clear();
        this.pending.set(id, hashes);
      }
      return Promise.resolve();
    },
  };
}

/** `path@version` of a version file's key. */
function keyId(key: string): string | undefined {
  const p = parseVersionFileKey(key);
  return p && `${p.modulePath}@${p.version}`;
}

/** The Time and Origin of an .info body. */
function noteInfo(v: CatalogVersion, body: Buffer): void {
  try {
    const info = JSON.parse(body.toString('utf8')) as { Time?: unknown; Origin?: unknown };
    if (typeof info.Time === 'string') v.time = Date.parse(info.Time);
    if (info.Origin !== undefined && info.Origin !== null) v.vcsOrigin = true;
  } catch {
    // an unreadable .info has no time to show
  }
}

/** Runs `tasks`, `limit` at a time; a failed task is skipped. */
async function runBounded(
  tasks: (() => Promise<void>)[],
  limit: number,
  signal: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length && !signal.aborted) {
      const task = tasks[next++] as () => Promise<void>;
      await task().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/** The Storage decorator of CatalogLoader.watch: reads pass through untouched. */
class CatalogWatchedStorage implements Storage {
  readonly description: string;
  readonly listSizes: Storage['listSizes'];

  constructor(
    private readonly inner: Storage,
    private readonly on: {
      stored(key: string, size: number, body?: Buffer): void;
      deleted(key: string): void;
    },
  ) {
    this.description = inner.description;
    this.listSizes = inner.listSizes?.bind(inner);
  }

  getBytes: Storage['getBytes'] = (key, signal) => this.inner.getBytes(key, signal);
  stat: Storage['stat'] = (key, signal) => this.inner.stat(key, signal);
  openRead: Storage['openRead'] = (key, range, signal) => this.inner.openRead(key, range, signal);
  list: Storage['list'] = (prefix, signal) => this.inner.list(prefix, signal);
  checkReady: Storage['checkReady'] = (signal) => this.inner.checkReady(signal);
  close: Storage['close'] = () => this.inner.close();

  async putBytes(
    key: string,
    data: Buffer,
    signal?: AbortSignal,
    options?: Parameters<Storage['putBytes']>[3],
  ): Promise<void> {
    await this.inner.putBytes(key, data, signal, options);
    this.on.stored(key, data.length, data);
  }

  async putStream(
    key: string,
    stream: Parameters<Storage['putStream']>[1],
    size: number,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.inner.putStream(key, stream, size, signal);
    this.on.stored(key, size);
  }

  async putFile(key: string, path: string, size: number, signal?: AbortSignal): Promise<void> {
    await this.inner.putFile(key, path, size, signal);
    this.on.stored(key, size);
  }

  async delete(key: string, signal?: AbortSignal): Promise<void> {
    await this.inner.delete(key, signal);
    this.on.deleted(key);
  }
}
