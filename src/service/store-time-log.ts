import { randomBytes } from 'node:crypto';
import { formatIndexLine, parseIndexLine, type IndexFeedEntry } from '../protocol/index-feed.js';
import type { Storage } from '../storage/storage.js';

/** Where the record lives in storage (see StoreTimeLog). */
export const STORE_TIME_PREFIX = 'index/';

const NS_PER_MS = 1_000_000n;
const NS_PER_HOUR = 3_600_000_000_000n;
const BUCKET_KEY = /^index\/(\d{4}-\d{2}-\d{2})\/(\d{2})\/([0-9a-z-]+)$/;

export interface StoreTimeLogOptions {
  /** This process's writer name (default: random); each writer appends to objects of its own. */
  readonly writer?: string | undefined;
  /** The wall clock in nanoseconds since the epoch (tests set it). */
  readonly now?: (() => bigint) | undefined;
  /** How long records are gathered before they are written together (default RECORD_DELAY_MS). */
  readonly delayMs?: number | undefined;
}

/**
 * How long a record waits for others to be written with (see BucketWriter): bounds the writes
 * of an hour's object to a few per second however many versions are stored, and is the
 * window in which a crash loses records of zips already stored (the feed then misses them, as
 * it does a record whose write fails).
 */
export const RECORD_DELAY_MS = 200;

/**
 * The record of when this modgate stored each module version (its zip), which the index feed
 * (`GET /index`) and `modgate mirror sync` read. It is kept in storage, so it works on disk
 * and S3 alike and survives restarts, under `index/<YYYY-MM-DD>/<HH>/<writer>`: one object
 * per UTC hour and writing process, whose lines are the feed's own lines (JSON of Path,
 * Version, Timestamp; see protocol/index-feed.ts) in the order they were stored.
 *
 * Why this layout:
 * - `index` has no dot, so it is never the first element of a module path (module.checkPath
 *   wants one there), and storage refuses dot-elements: the record cannot collide with a
 *   module's files, and a data directory stays a GOPROXY tree as it is (nothing reads `index/`).
 * - one object per hour: a reader of `since` skips whole hours by their key, without reading;
 * - one object per writer: processes sharing a storage (replicas on S3, `serve` and `mirror
 *   sync` on one data directory) never rewrite each other's objects, so no append is lost.
 *   Storage has no append: a writer rewrites its current hour's object whole, holding its
 *   lines in memory; appends are gathered for RECORD_DELAY_MS and written together, and
 *   `settle` (shutdown) and `read` write what is gathered at once.
 *
 * Timestamps are unique and increasing per writer (a microsecond apart at least); the feed
 * orders all writers' lines by timestamp. Like index.golang.org's, the feed is ordered by
 * when versions were recorded, so a line can appear with a timestamp slightly older than one
 * already read (another writer's append in flight): readers that resume from a timestamp
 * should re-read a little before it (mirror sync does) and skip what they have.
 */
export class StoreTimeLog {
  private readonly writer: string;
  private readonly now: () => bigint;
  private readonly delayMs: number;
  private last = 0n;
  private readonly buckets = new Map<string, BucketWriter>();

  constructor(
    /** Where the record is kept (the storage of the module files it records). */
    readonly storage: Storage,
    options: StoreTimeLogOptions = {},
  ) {
    this.writer = options.writer ?? `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    this.now = options.now ?? (() => BigInt(Date.now()) * NS_PER_MS);
    this.delayMs = options.delayMs ?? RECORD_DELAY_MS;
  }

  /**
   * Appends `path@version`, stored now; resolves once the record is in storage (written with
   * the records appended within `delayMs` of the first one not written yet).
   */
  async record(path: string, version: string): Promise<void> {
    let ts = this.now();
    if (ts <= this.last) ts = this.last + 1000n;
    this.last = ts;
    const key = bucketKey(ts, this.writer);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new BucketWriter(this.storage, key, this.delayMs);
      this.buckets.set(key, bucket);
    }
    // Earlier hours' objects are complete once written: forget their lines.
    for (const [k, b] of this.buckets) if (k !== key && b.idle) this.buckets.delete(k);
    await bucket.append(formatIndexLine({ path, version, timestampNs: ts }));
  }

  /** Writes the records not written yet now; resolves once each was written or failed. */
  async settle(): Promise<void> {
    await Promise.all([...this.buckets.values()].map((b) => b.flush()));
  }

  /**
   * Up to `limit` versions recorded at or after `sinceNs`, in timestamp order, leaving out
   * those `visible` refuses (before counting to `limit`: a client that may not see a module
   * still gets full pages).
   */
  async read(
    sinceNs: bigint,
    limit: number,
    visible: (modulePath: string) => boolean = () => true,
    signal?: AbortSignal,
  ): Promise<IndexFeedEntry[]> {
    await this.settle(); // this process's records gathered and not written yet included
    const hours = new Map<bigint, string[]>();
    for (const key of await this.storage.list(STORE_TIME_PREFIX, signal)) {
      const start = bucketStart(key);
      if (start === undefined || start + NS_PER_HOUR <= sinceNs) continue;
      const keys = hours.get(start) ?? [];
      keys.push(key);
      hours.set(start, keys);
    }
    const out: IndexFeedEntry[] = [];
    for (const start of [...hours.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (out.length >= limit) break; // later hours hold only later timestamps
      const bodies = await Promise.all(
        (hours.get(start) ?? []).map((k) => this.storage.getBytes(k, signal)),
      );
      for (const body of bodies) {
        for (const line of (body?.toString('utf8') ?? '').split('\n')) {
          const e = line === '' ? undefined : parseIndexLine(line);
          if (e !== undefined && e.timestampNs >= sinceNs && visible(e.path)) out.push(e);
        }
      }
    }
    out.sort(compareEntries);
    return out.slice(0, limit);
  }
}

function compareEntries(a: IndexFeedEntry, b: IndexFeedEntry): number {
  if (a.timestampNs !== b.timestampNs) return a.timestampNs < b.timestampNs ? -1 : 1;
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}

/** `index/<YYYY-MM-DD>/<HH>/<writer>` of the hour holding `ns`. */
function bucketKey(ns: bigint, writer: string): string {
  const iso = new Date(Number(ns / NS_PER_MS)).toISOString(); // 2026-12-06T19:30:00.000Z
  return `${STORE_TIME_PREFIX}${iso.slice(0, 10)}/${iso.slice(11, 13)}/${writer}`;
}

/** The start of the hour a record object holds, or undefined for a key that is not one. */
function bucketStart(key: string): bigint | undefined {
  const m = BUCKET_KEY.exec(key);
  if (m === null) return undefined;
  const ms = Date.parse(`${m[1] ?? ''}T${m[2] ?? ''}:00:00Z`);
  return Number.isNaN(ms) ? undefined : BigInt(ms) * NS_PER_MS;
}

interface Waiter {
  /** Resolved once a write holding the first `upto` lines has ended. */
  readonly upto: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * One writer's object for one hour: its lines in memory, written whole. Appends are gathered
 * for `delayMs` after the first one not written yet and written together: storage has no
 * append, so each write is a new file (disk: a staging file created, fdatasynced and renamed
 * over the old one, whose inode is freed), and writing once per record made a cold proxy
 * create and free one inode per version it stored (issue 9).
 */
class BucketWriter {
  private readonly lines: string[] = [];
  private written = 0;
  private waiters: Waiter[] = [];
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly key: string,
    private readonly delayMs: number,
  ) {}

  get idle(): boolean {
    return this.running === undefined && this.written === this.lines.length;
  }

  /** Adds `line`; resolves once a write holding it ended, rejects if that write failed. */
  append(line: string): Promise<void> {
    this.lines.push(line);
    const upto = this.lines.length;
    const written = new Promise<void>((resolve, reject) =>
      this.waiters.push({ upto, resolve, reject }),
    );
    this.schedule();
    return written;
  }

  /**
   * Writes what is gathered now (after the write running, if any) and resolves once every
   * line appended so far was written or its write failed.
   */
  async flush(): Promise<void> {
    const upto = this.lines.length;
    while (this.written < upto) {
      if (this.running !== undefined) {
        await this.running.catch(() => undefined);
        continue;
      }
      this.cancelTimer();
      if (!(await this.write())) return; // failed: its waiters were told
    }
  }

  /** A write after `delayMs`, unless one is planned or running (whose end plans the next). */
  private schedule(): void {
    if (this.timer !== undefined || this.running !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Writes every line so far; true if it was written. Never rejects. */
  private async write(): Promise<boolean> {
    const upto = this.lines.length;
    if (this.running !== undefined || this.written >= upto) return true;
    const running = this.storage.putBytes(this.key, Buffer.from(this.lines.join('')));
    this.running = running;
    let failure: { err: unknown } | undefined;
    try {
      await running;
      this.written = Math.max(this.written, upto);
    } catch (err) {
      failure = { err }; // the lines stay: the next write holds them again
    } finally {
      this.running = undefined;
    }
    const done = this.waiters.filter((w) => w.upto <= upto);
    this.waiters = this.waiters.filter((w) => w.upto > upto);
    for (const w of done) {
      if (failure === undefined) w.resolve();
      else w.reject(failure.err);
    }
    if (this.written < this.lines.length && this.waiters.length > 0) this.schedule();
    return failure === undefined;
  }
}
