import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { BoundedCache } from '../../../cache/index.js';
import { isNotFound } from '../../../errors/index.js';
import type { CodeHostContext } from '../code-host.js';
import { BareRepo } from './bare-repo.js';
import { GitCacheBound, type GitCacheLog, type GitCacheStats } from './git-cache-bound.js';
import { GitCodeHost } from './git-code-host.js';
import { DEFAULT_GIT_SCHEMES, SCP_LIKE, parseGitRemote } from './git-remote.js';
import { GitRunner, type GitRunnerOptions } from './git-runner.js';
import { lsRemote, type RemoteAdvertisement } from './ls-remote.js';
import { withSignal } from './with-signal.js';

export interface GitRepoCacheOptions extends Omit<GitRunnerOptions, 'allowedProtocols'> {
  /** Where the bare repositories live, e.g. `<dataDir>/.git-cache`. */
  dir: string;
  /** URL schemes accepted for remotes (also GIT_ALLOW_PROTOCOL). Default https, http, git, ssh. */
  allowedSchemes?: readonly string[];
  /** How long ls-remote answers are reused. Default 5 s. */
  refsTtlMs?: number;
  /** How long `probe` remembers a missing repository. Default 30 s. */
  probeNegativeTtlMs?: number;
  /** Clock, for tests. */
  now?: () => number;
  /** Bound on the repositories' bytes on disk (direct.git_cache_max_size); 0 or unset = none. */
  maxBytes?: number;
  /** Repositories unused for longer are evicted (direct.git_cache_max_age); 0 or unset = never. */
  maxAgeMs?: number;
  /** Where evictions and the cache's size are logged. */
  log?: GitCacheLog;
}

/** GitCacheStats, and the git commands run by outcome. */
export interface GitRepoCacheStats extends GitCacheStats {
  /**
   * Git commands finished, by `"<class> <outcome>"`: class ls-remote, fetch, local or archive;
   * outcome `ok` or the failure (exit, timeout, aborted, too-large, spawn).
   */
  commands: Record<string, number>;
}

/**
 * Bound on the remembered missing repositories: 2 MiB, ~8,000 URLs of 60 characters (each
 * accounted as its URL and the cache's bookkeeping); the least recently used make room.
 */
const MISSING_MAX_BYTES = 2 * 1024 * 1024;

/**
 * The git side of direct fetching: one bare repository per remote under `dir`
 * (`<sha256 of the URL>.git`), shared by every module and version in it, fetched
 * incrementally; one GitCodeHost per remote URL (so its refs cache and fetch state are shared
 * by all requests); one GitRunner (environment, credentials, limits, timeouts) for all. The
 * repositories are kept within `maxBytes` and `maxAgeMs` by evicting the least recently used
 * between requests (git-cache-bound.ts); `stats()` says how big the cache is and what git ran.
 */
export class GitRepoCache {
  private readonly runner: GitRunner;
  private readonly hosts = new Map<string, GitCodeHost>();
  private readonly missing: BoundedCache<true>;
  private readonly probing = new Map<string, Promise<RemoteAdvertisement>>();
  private readonly schemes: readonly string[];
  private readonly now: () => number;
  private readonly bound: GitCacheBound;
  private readonly repos = new Map<string, BareRepo>();
  private readonly commands: Record<string, number> = {};
  private readonly ageTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: GitRepoCacheOptions) {
    this.schemes = options.allowedSchemes ?? DEFAULT_GIT_SCHEMES;
    this.now = options.now ?? Date.now;
    const maxAgeMs = options.maxAgeMs ?? 0;
    this.bound = new GitCacheBound({
      dir: options.dir,
      maxBytes: options.maxBytes ?? 0,
      maxAgeMs,
      now: this.now,
      repoFor: (dir) => this.repos.get(dir),
      ...(options.log !== undefined ? { log: options.log } : {}),
    });
    if (maxAgeMs > 0) {
      // Repositories nobody asks for also age out (a sweep otherwise follows a use).
      const every = Math.min(Math.max(maxAgeMs / 8, 1000), 10 * 60_000);
      this.ageTimer = setInterval(() => this.bound.sweep(), every);
      this.ageTimer.unref();
    }
    this.missing = new BoundedCache({
      maxBytes: MISSING_MAX_BYTES,
      sizeOf: () => 0,
      now: this.now,
    });
    const observer = options.observer;
    this.runner = new GitRunner({
      ...options,
      observer: (e) => {
        const key = `${e.class} ${e.failure ?? 'ok'}`;
        this.commands[key] = (this.commands[key] ?? 0) + 1;
        observer?.(e);
      },
      allowedProtocols: [
        ...new Set(this.schemes.map((s) => (s === 'git+ssh' || s === SCP_LIKE ? 'ssh' : s))),
      ],
    });
  }

  /** The code host for a remote URL; throws `invalid` for URLs git must not be given. */
  codeHost(url: string): GitCodeHost {
    let host = this.hosts.get(url);
    if (host === undefined) {
      const remote = parseGitRemote(url, this.schemes);
      const dir = join(this.options.dir, `${createHash('sha256').update(url).digest('hex')}.git`);
      const repo = new BareRepo(dir, url, this.runner, {
        gate: (d) => this.bound.gate(d),
        busy: (r) => this.bound.busy(r),
        idle: (r) => this.bound.idle(r),
      });
      this.repos.set(dir, repo);
      host = new GitCodeHost(remote, repo, this.runner, {
        ...(this.options.refsTtlMs !== undefined ? { refsTtlMs: this.options.refsTtlMs } : {}),
        now: this.now,
      });
      this.hosts.set(url, host);
    }
    return host;
  }

  /**
   * Whether a repository exists at `url`, by `git ls-remote` only — no clone, and no code host
   * kept for a URL that turns out not to exist — so a path that is not a module gets a fast
   * 404. "No" is remembered for `probeNegativeTtlMs`; "yes" warms the code host's refs cache.
   * Concurrent probes of one URL share one ls-remote. Authentication and network failures
   * throw (they are not a "no").
   */
  async probe(url: string, ctx: CodeHostContext = {}): Promise<boolean> {
    if (this.missing.get(url) === true) return false;
    try {
      const known = this.hosts.get(url);
      if (known !== undefined) {
        await known.refs(ctx);
      } else {
        const remote = parseGitRemote(url, this.schemes);
        let pending = this.probing.get(url);
        if (pending === undefined) {
          pending = lsRemote(this.runner, remote).finally(() => this.probing.delete(url));
          this.probing.set(url, pending);
        }
        const answer = await withSignal(pending, ctx.signal);
        this.codeHost(url).primeRefs(answer);
      }
      this.missing.delete(url);
      return true;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.missing.set(url, true, this.options.probeNegativeTtlMs ?? 30_000);
      return false;
    }
  }

  /**
   * The cache's size, evictions and git commands, for /metrics: a snapshot, cheap to take
   * (sizes are measured between requests, not here).
   */
  stats(): GitRepoCacheStats {
    return { ...this.bound.stats(), commands: { ...this.commands } };
  }

  /** Resolves once no sweep or eviction is running (tests). */
  settled(): Promise<void> {
    return this.bound.settled();
  }

  /** Kills running git processes; the cache is unusable afterwards. */
  close(): void {
    if (this.ageTimer !== undefined) clearInterval(this.ageTimer);
    this.runner.close();
  }
}
