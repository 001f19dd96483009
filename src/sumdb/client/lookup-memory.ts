import { RecentMap } from './recent-map.js';
import type { SumdbCache } from './sumdb-cache.js';

/**
 * The lookup answers a client has verified, kept in memory and written to the persistent cache
 * behind the lookup that verified them (and the full tiles the tile reader authenticated,
 * which it keeps in memory itself).
 *
 * Why behind: writing a file to storage is a create, a write, an fdatasync and a rename — 0.3
 * to 5 ms on the bench's disk, more than the database round trip itself — and every new
 * module version's `.mod` waited for it (issue 9 item 6: a cold `go mod download` asks for 100
 * `.mod`s one at a time). The persistent cache only saves a database request after a restart:
 * a write lost in a crash costs that request, nothing else. Meanwhile the answer is served from
 * memory (the `.zip`'s lookup of the same version, concurrent lookups), so the process never
 * asks the database twice for a version it verified, written or not.
 *
 * `settle` waits for the writes in flight (before storage is closed; tests).
 */
export class LookupMemory {
  private readonly recent: RecentMap<Buffer>;
  private readonly writes = new Set<Promise<void>>();

  constructor(
    private readonly cache: SumdbCache,
    entries: number,
    private readonly onCacheError: (file: string, err: unknown) => void,
  ) {
    this.recent = new RecentMap(entries);
  }

  /** A verified answer kept in memory, if any (no I/O). */
  remembered(file: string): Buffer | undefined {
    return this.recent.get(file);
  }

  /** Keeps an answer read back from the persistent cache in memory too. */
  remember(file: string, data: Buffer): void {
    this.recent.set(file, data);
  }

  /** Keeps a verified answer, and writes it to the persistent cache without waiting. */
  keep(file: string, data: Buffer): void {
    this.recent.set(file, data);
    this.write(file, data);
  }

  /**
   * Writes verified bytes (a lookup answer, a full tile kept in memory by the tile reader) to
   * the persistent cache without waiting; `settle` waits for it.
   */
  write(file: string, data: Buffer): void {
    const write: Promise<void> = this.cache
      .put(file, data)
      .catch((err: unknown) => this.onCacheError(file, err))
      .finally(() => this.writes.delete(write));
    this.writes.add(write);
  }

  /** Resolves once every write started so far has ended (failures went to onCacheError). */
  async settle(): Promise<void> {
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }
}
