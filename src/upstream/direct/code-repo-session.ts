/**
 * One code-repo operation's view of its CodeHost: revision lookups and tag lists are
 * memoized for the duration of the operation (a single Stat may ask for the same tag, the
 * same branch head and the same go.mod several times, as cmd/go's cachingRepo would answer
 * from memory), while nothing mutable — branches, tags — outlives it. File reads at full
 * commit hashes are immutable and go through the repository-wide `FileCache`.
 */
import type { CodeHost, CodeHostContext, RevInfoVcs, TagInfo } from './code-host.js';

export class CodeRepoSession {
  private readonly stats = new Map<string, Promise<RevInfoVcs>>();
  private readonly tagLists = new Map<string, Promise<TagInfo[]>>();

  constructor(
    readonly code: CodeHost,
    readonly ctx: CodeHostContext,
    private readonly files: FileCache,
  ) {}

  stat(rev: string): Promise<RevInfoVcs> {
    return memo(this.stats, rev, () => this.code.stat(rev, this.ctx));
  }

  tags(prefix: string): Promise<TagInfo[]> {
    return memo(this.tagLists, prefix, () => this.code.tags(prefix, this.ctx));
  }

  /** A file at a full commit hash (null when absent). */
  readFile(hash: string, file: string, maxBytes: number): Promise<Buffer | null> {
    return this.files.get(hash, file, maxBytes, () =>
      this.code.readFile(hash, file, maxBytes, this.ctx),
    );
  }

  latest(): Promise<RevInfoVcs> {
    return this.code.latest(this.ctx);
  }

  recentTag(
    hash: string,
    prefix: string,
    allowed: (tag: string) => boolean,
  ): Promise<string | null> {
    return this.code.recentTag(hash, prefix, allowed, this.ctx);
  }

  descendsFrom(hash: string, tag: string): Promise<boolean> {
    return this.code.descendsFrom(hash, tag, this.ctx);
  }
}

/** Shares in-flight and finished lookups; a failed lookup is forgotten so it can be retried. */
function memo<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (p === undefined) {
    p = load();
    map.set(key, p);
    p.catch(() => map.delete(key));
  }
  return p;
}

/**
 * Small files (go.mod, LICENSE) read at full commit hashes: immutable, so kept across
 * operations, bounded by entry count and total bytes (oldest first out). Absent files are
 * remembered too. Reads at anything but a full hash bypass the cache.
 */
export class FileCache {
  private readonly entries = new Map<string, Promise<Buffer | null>>();
  /** Sizes of the settled entries still cached. */
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 2000,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get(
    hash: string,
    file: string,
    maxBytes: number,
    load: () => Promise<Buffer | null>,
  ): Promise<Buffer | null> {
    if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(hash)) return load();
    const key = `${hash}\0${file}\0${maxBytes}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const p = load();
    this.entries.set(key, p);
    p.then(
      (data) => {
        if (this.entries.get(key) !== p) return;
        const size = data?.length ?? 0;
        this.sizes.set(key, size);
        this.bytes += size;
        this.evict();
      },
      () => {
        if (this.entries.get(key) === p) this.entries.delete(key);
      },
    );
    this.evict();
    return p;
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) return;
      this.entries.delete(key);
      this.bytes -= this.sizes.get(key) ?? 0;
      this.sizes.delete(key);
    }
  }
}
