import { RecentMap } from './recent-map.js';
import type { SumdbCache } from './sumdb-cache.js';

/** Writes wait until no new answer came for this long (see LookupMemory). */
const QUIET_MS = 10;
/** ...but no longer than this after the first one waiting... */
const MAX_WAIT_MS = 2000;
/** ...nor once this many are waiting. */
const MAX_WAITING = 256;

/**
 * The lookup answers a client has verified, kept in memory and written to the persistent cache
 * behind the lookup that verified them (and the full tiles the tile reader authenticated,
 * which it keeps in memory itself).
 *
 * Why behind: writing a file to storage is a create, a write, an fdatasync and a rename — 0.3
 * to 5 ms on the bench's disk, more than the database round trip itself — and every new
 * module version's `.mod` waited for it (issue 9 item 6: a cold `go mod download` asks for 100
 * `.mod`s one at a time). The writes also wait until lookups pause (QUIET_MS without a new
 * answer, at most MAX_WAIT_MS or MAX_WAITING answers), as the service's stores behind answers
 * do, so that they do not compete with the next lookups for the core and the file-system
 * threads. The persistent cache only saves a database request after a restart: a write lost in
 * a crash costs that request, nothing else. Meanwhile the answer is served from memory (the
 * `.zip`'s lookup of the same version, concurrent lookups), so the process never asks the
 * database twice for a version it verified, written or not.
 *
 * `settle` writes what waits and waits for the writes in flight (before storage is closed;
 * tests).
 */
export class LookupMemory {
  private readonly recent: RecentMap<Buffer>;
  /** Verified bytes not handed to the cache yet, by file. */
  private readonly waiting = new Map<string, Buffer>();
  private firstWaitingAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly writes = new Set<Promise<void>>();

  constructor(
    private readonly cache: SumdbCache,
    entries: number,
    private readonly onCacheError: (file: string, err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.recent = new RecentMap(entries);
  }

  /** A verified answer kept in memory (or waiting to be written), if any: no I/O. */
  remembered(file: string): Buffer | undefined {
    return this.recent.get(file) ?? this.waiting.get(file);
  }

  /** Keeps an answer read back from the persistent cache in memory too. */
  remember(file: string, data: Buffer): void {
    this.recent.set(file, data);
  }

  /** Keeps a verified answer, and writes it to the persistent cache behind the caller. */
  keep(file: string, data: Buffer): void {
    this.recent.set(file, data);
    this.write(file, data);
  }

  /**
   * Writes verified bytes (a lookup answer, a full tile kept in memory by the tile reader) to
   * the persistent cache without the caller waiting, once lookups pause; `settle` waits for it.
   */
  write(file: string, data: Buffer): void {
    if (this.waiting.size === 0) this.firstWaitingAt = this.now();
    this.waiting.set(file, data);
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.size >= MAX_WAITING || this.now() - this.firstWaitingAt >= MAX_WAIT_MS) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => this.flush(), QUIET_MS);
    this.timer.unref();
  }

  /** Writes what waits and resolves once every write has ended (failures: onCacheError). */
  async settle(): Promise<void> {
    this.flush();
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  /** Hands everything waiting to the cache. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [file, data] of this.waiting) {
      const write: Promise<void> = this.cache
        .put(file, data)
        .catch((err: unknown) => this.onCacheError(file, err))
        .finally(() => this.writes.delete(write));
      this.writes.add(write);
    }
    this.waiting.clear();
  }
}
