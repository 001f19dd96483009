import { randomBytes } from 'node:crypto';
import { lstat, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { redactUrl } from '../../../protocol/redact-url.js';
import type { BareRepo } from './bare-repo.js';

/** Where the git cache reports its size and evictions (a pino logger fits). */
export interface GitCacheLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface GitCacheBoundOptions {
  /** The cache directory: one `<sha256 of URL>.git` directory per repository. */
  dir: string;
  /** Bound on the bytes on disk; 0 = none. */
  maxBytes: number;
  /** Repositories unused for longer are evicted; 0 = never. */
  maxAgeMs: number;
  now: () => number;
  /** The live repository object for a directory, if this process made one. */
  repoFor: (dir: string) => BareRepo | undefined;
  log?: GitCacheLog;
}

/** What the git cache holds, for /metrics and logs (GitRepoCache.stats). */
export interface GitCacheStats {
  /** Bytes on disk, as last measured (after every fetch, between requests). */
  bytes: number;
  repositories: number;
  /** Repositories evicted by this process, and their bytes. */
  evictions: number;
  evictedBytes: number;
}

interface Entry {
  bytes: number;
  lastUsed: number;
  /** The size must be measured again (new, or fetched into since). */
  stale: boolean;
}

/** Suffix of a directory being removed (moved aside first, so removal is atomic for readers). */
const EVICTED = '.evicted-';

/**
 * Keeps the git cache within `maxBytes` and `maxAgeMs`: between requests (whenever the last
 * use of a repository ends, and on a timer for the age bound), the least recently used
 * repositories are evicted — never one in use (BareRepo.use) or whose lock is held or
 * awaited. Eviction moves the directory aside (one rename: a reader sees the whole repository
 * or none) and resets the BareRepo, so the next request creates and fetches it again; the
 * moved directory is removed in the background. Repositories left on disk by an earlier
 * process are measured at the first sweep, aged by their directory's modification time (which
 * every use touches). Sweeps run one at a time.
 */
export class GitCacheBound {
  private readonly entries = new Map<string, Entry>();
  private readonly evicting = new Map<string, Promise<void>>();
  /** Directories moved aside and being removed. */
  private readonly removals = new Set<Promise<void>>();
  private scanned = false;
  private sweeping: Promise<void> | undefined;
  private again = false;
  private evictions = 0;
  private evictedBytes = 0;
  private overBoundWarned = false;

  constructor(private readonly options: GitCacheBoundOptions) {}

  /** Resolves once no eviction of `dir` is under way (undefined when none is). */
  gate(dir: string): Promise<void> | undefined {
    return this.evicting.get(dir);
  }

  /** A use of `repo` began: it counts from now on (measured once it exists on disk). */
  busy(repo: BareRepo): void {
    if (!this.entries.has(repo.dir)) {
      this.entries.set(repo.dir, { bytes: 0, lastUsed: this.options.now(), stale: true });
    }
  }

  /** The last use of `repo` ended: note the time (and growth), then sweep. */
  idle(repo: BareRepo): void {
    const now = this.options.now();
    const entry = this.entries.get(repo.dir);
    if (entry === undefined) {
      this.entries.set(repo.dir, { bytes: 0, lastUsed: now, stale: true });
    } else {
      entry.lastUsed = now;
      entry.stale ||= repo.grown;
    }
    repo.grown = false;
    // The directory's time is the last use, for the next process (age bound).
    const when = new Date(now);
    void utimes(repo.dir, when, when).catch(() => undefined);
    this.sweep();
  }

  /** Starts a sweep (or another after the running one). */
  sweep(): void {
    if (this.sweeping !== undefined) {
      this.again = true;
      return;
    }
    this.sweeping = this.run()
      .catch((err: unknown) => {
        this.options.log?.warn({ err }, 'git cache: sweep failed');
      })
      .finally(() => {
        this.sweeping = undefined;
        if (this.again) {
          this.again = false;
          this.sweep();
        }
      });
  }

  /** Resolves when no sweep, eviction or removal is running or due (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.sweeping !== undefined) await this.sweeping;
    await Promise.all(this.evicting.values());
    await Promise.all(this.removals);
  }

  stats(): GitCacheStats {
    let bytes = 0;
    for (const e of this.entries.values()) bytes += e.bytes;
    return {
      bytes,
      repositories: this.entries.size,
      evictions: this.evictions,
      evictedBytes: this.evictedBytes,
    };
  }

  private async run(): Promise<void> {
    const { maxBytes, maxAgeMs, log } = this.options;
    if (!this.scanned) await this.scan();
    for (const [dir, entry] of this.entries) {
      if (!entry.stale) continue;
      entry.stale = false;
      entry.bytes = await treeBytes(dir);
      if (entry.bytes === 0 && this.options.repoFor(dir) === undefined) this.entries.delete(dir);
    }
    const now = this.options.now();
    let total = this.stats().bytes;
    const oldestFirst = [...this.entries].sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    let busy = 0;
    for (const [dir, entry] of oldestFirst) {
      const old = maxAgeMs > 0 && now - entry.lastUsed > maxAgeMs;
      const over = maxBytes > 0 && total > maxBytes;
      if (!old && !over) break;
      const repo = this.options.repoFor(dir);
      if (repo !== undefined && !repo.evictable) {
        busy++;
        continue;
      }
      await this.evict(dir, repo, entry, old ? 'age' : 'size');
      total -= entry.bytes;
      log?.info(
        {
          repository: repo !== undefined ? redactUrl(repo.remoteUrl) : basename(dir),
          bytes: entry.bytes,
          idleMs: now - entry.lastUsed,
          reason: old ? 'max_age' : 'max_size',
          cacheBytes: total,
          repositories: this.entries.size,
        },
        'git cache: evicted a repository',
      );
    }
    if (maxBytes > 0 && total > maxBytes && busy > 0) {
      // Everything left is in use: the next sweep (when a use ends) tries again.
      if (!this.overBoundWarned) {
        log?.warn(
          { cacheBytes: total, maxBytes, inUse: busy },
          'git cache: over direct.git_cache_max_size, the rest is in use',
        );
      }
      this.overBoundWarned = true;
    } else {
      this.overBoundWarned = false;
    }
  }

  /** Moves the directory aside (synchronously marked, so no use starts meanwhile), resets. */
  private evict(dir: string, repo: BareRepo | undefined, entry: Entry, why: string): Promise<void> {
    const aside = `${dir}${EVICTED}${randomBytes(4).toString('hex')}`;
    const job = (async () => {
      try {
        await rename(dir, aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      repo?.reset();
      this.entries.delete(dir);
      this.evictions++;
      this.evictedBytes += entry.bytes;
      const removal = rm(aside, { recursive: true, force: true })
        .catch((err: unknown) => {
          this.options.log?.warn({ err, dir: aside, why }, 'git cache: could not remove');
        })
        .finally(() => this.removals.delete(removal));
      this.removals.add(removal);
    })().finally(() => this.evicting.delete(dir));
    this.evicting.set(dir, job);
    return job;
  }

  /** The repositories already on disk (an earlier process's), and leftovers to remove. */
  private async scan(): Promise<void> {
    this.scanned = true;
    let names: string[];
    try {
      names = await readdir(this.options.dir);
    } catch {
      return; // no cache yet
    }
    for (const name of names) {
      const dir = join(this.options.dir, name);
      if (name.includes(EVICTED)) {
        const removal = rm(dir, { recursive: true, force: true })
          .catch(() => undefined)
          .finally(() => this.removals.delete(removal));
        this.removals.add(removal);
        continue;
      }
      if (!name.endsWith('.git') || this.entries.has(dir)) continue;
      const st = await stat(dir).catch(() => undefined);
      if (st?.isDirectory() !== true) continue;
      this.entries.set(dir, { bytes: 0, lastUsed: st.mtimeMs, stale: true });
    }
    const s = this.stats();
    this.options.log?.info(
      { repositories: s.repositories, maxBytes: this.options.maxBytes },
      'git cache: opened',
    );
  }
}

/** The bytes of the files under `dir` (0 when it is gone). */
async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  let names;
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const d of names) {
    const p = join(dir, d.name);
    if (d.isDirectory()) total += await treeBytes(p);
    else total += (await lstat(p).catch(() => undefined))?.size ?? 0;
  }
  return total;
}
