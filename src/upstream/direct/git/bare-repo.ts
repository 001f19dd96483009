import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitRunner } from './git-runner.js';
import { RwLock } from './rw-lock.js';

/**
 * Appended to `info/attributes` before any archive (cmd/go's ensureGitAttributes): the
 * repository's own `.gitattributes` may not drop files (export-ignore) or rewrite them
 * (export-subst), so a zip holds exactly the committed blobs and its hash never depends on
 * the git version or on what else the repository contains.
 */
export const ARCHIVE_ATTRIBUTES = '\n* -export-subst -export-ignore\n';

/** How the git cache follows a repository's use (git-cache-bound.ts). */
export interface BareRepoHooks {
  /** Resolves once no eviction of `dir` is under way. */
  gate?: (dir: string) => Promise<void> | undefined;
  /** The first use began (nothing is evicted while any lasts). */
  busy?: (repo: BareRepo) => void;
  /** The last use ended. */
  idle?: (repo: BareRepo) => void;
}

/**
 * One bare repository in the cache, shared by every version and module of its remote. It is
 * created atomically (initialised under a temporary name, then renamed), so a crash never
 * leaves a half-made repository behind under the real name. `lock` serialises changes (fetch,
 * tag) against reads; this is an in-process lock — one modgate process per cache directory.
 */
export class BareRepo {
  /**
   * Fetches and tags hold it alone; reads that depend on refs or on the shallow boundary
   * share it; reads of objects by id (cat-file, ls-tree of a commit, archive) do not wait
   * for a fetch (`withObjectsRead`). Every read counts: the cache never evicts a repository
   * being read.
   */
  readonly lock = new RwLock();
  /** The refs digest at the last complete fetch in this process (see `refsDigest`). */
  fullFetchDigest: string | undefined;
  /**
   * Whether the repository has the whole history of what it holds (fetched in full once, not
   * shallow): later fetches of single refs then need no `--depth=1`, and never make it
   * shallow again.
   */
  complete = false;
  /**
   * A partial clone: fetched with `--filter=blob:none` at least once, so blobs may be missing
   * and must be fetched before they are read (GitBlobs). When an existing repository is
   * opened: whether it has `.promisor` packs.
   */
  partial = false;
  /** Created empty by this process and nothing fetched into it yet: no commit to look up. */
  empty = false;
  /** Something was fetched since the cache last measured the repository's size. */
  grown = false;
  /** Operations using the repository now (`use`): the git cache never evicts it meanwhile. */
  uses = 0;
  private opening: Promise<void> | undefined;
  private readonly resetListeners: Array<() => void> = [];

  constructor(
    readonly dir: string,
    readonly remoteUrl: string,
    private readonly runner: GitRunner,
    private readonly hooks: BareRepoHooks = {},
  ) {}

  /**
   * Runs `fn` with the repository marked in use: it is not evicted until `fn` settles (an
   * eviction under way is waited for first). When the last use ends, the cache hears of it.
   */
  async use<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.hold();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Marks the repository in use until the returned function is called (once). */
  async hold(): Promise<() => void> {
    // No await unless an eviction is under way: the count must rise in the same tick as the
    // check, or a sweep could take the repository in between.
    for (let g = this.hooks.gate?.(this.dir); g !== undefined; g = this.hooks.gate?.(this.dir)) {
      await g;
    }
    if (this.uses++ === 0) this.hooks.busy?.(this);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.uses--;
      if (this.uses === 0) this.hooks.idle?.(this);
    };
  }

  /** Whether the cache may evict the repository now: not in use, its lock free. */
  get evictable(): boolean {
    return this.uses === 0 && this.lock.isIdle;
  }

  /** Called when listeners must forget what they know of the repository's content. */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  /**
   * The repository was evicted (its directory moved away): the next `open` creates it anew,
   * and whatever was learnt about its content is forgotten.
   */
  reset(): void {
    this.opening = undefined;
    this.fullFetchDigest = undefined;
    this.complete = false;
    this.empty = false;
    this.grown = false;
    this.partial = false;
    for (const l of this.resetListeners) l();
  }

  /** Whether the repository is on disk (without creating it). */
  async exists(): Promise<boolean> {
    if (this.opening !== undefined) return true;
    return isDir(join(this.dir, 'objects'));
  }

  /**
   * Opens the repository, creating it first if needed. Concurrent calls share the work, so no
   * caller's signal applies to it (the runner's timeouts bound it); a failure is retried by the
   * next call.
   */
  open(): Promise<void> {
    this.opening ??= this.doOpen();
    const opening = this.opening;
    opening.catch(() => {
      if (this.opening === opening) this.opening = undefined;
    });
    return opening;
  }

  /** Opens the repository if it exists on disk; false when it does not. */
  async openIfExists(): Promise<boolean> {
    if (!(await this.exists())) return false;
    await this.open();
    return true;
  }

  private async doOpen(): Promise<void> {
    if (!(await isDir(join(this.dir, 'objects')))) {
      await rm(this.dir, { recursive: true, force: true });
      await this.create();
      return;
    }
    await ensureAttributes(this.dir);
    // A partial clone's packs from its filtered fetches are marked `.promisor` (gc keeps them so).
    const packs = await readdir(join(this.dir, 'objects', 'pack')).catch(() => [] as string[]);
    this.partial = packs.some((f) => f.endsWith('.promisor'));
    const shallow = await exists(join(this.dir, 'shallow'));
    if (!shallow) {
      const out = await this.runner.run(['for-each-ref', '--count=1', '--format=%(refname)'], {
        class: 'local',
        gitDir: this.dir,
      });
      this.complete = out.stdout.length > 0;
    }
  }

  private async create(): Promise<void> {
    const tmp = `${this.dir}.tmp-${randomBytes(6).toString('hex')}`;
    const opts = { class: 'local' as const };
    try {
      // No template: a user's init.templateDir hooks have no business in a server cache.
      await this.runner.run(['init', '--bare', '--quiet', '--template=', tmp], opts);
      // A named remote (as cmd/go does): `git fetch origin` keeps Git LFS and friends quiet.
      await this.runner.run(['remote', 'add', 'origin', '--', this.remoteUrl], {
        ...opts,
        gitDir: tmp,
      });
      await ensureAttributes(tmp);
      try {
        await rename(tmp, this.dir);
        this.empty = true;
      } catch (err) {
        // Another process made it first: use theirs.
        if (!(await isDir(join(this.dir, 'objects')))) throw err;
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
}

async function ensureAttributes(dir: string): Promise<void> {
  const info = join(dir, 'info');
  const file = join(info, 'attributes');
  await mkdir(info, { recursive: true });
  const current = await readFile(file, 'utf8').catch(() => '');
  if (!current.endsWith(ARCHIVE_ATTRIBUTES)) await appendFile(file, ARCHIVE_ATTRIBUTES);
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}
