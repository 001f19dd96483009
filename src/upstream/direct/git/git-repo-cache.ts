import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { BoundedCache } from '../../../cache/index.js';
import { isNotFound } from '../../../errors/index.js';
import type { CodeHostContext } from '../code-host.js';
import { BareRepo } from './bare-repo.js';
import { GitCodeHost } from './git-code-host.js';
import { DEFAULT_GIT_SCHEMES, SCP_LIKE, parseGitRemote } from './git-remote.js';
import type { GitRefs } from './git-refs.js';
import { GitRunner, type GitRunnerOptions } from './git-runner.js';
import { lsRemote } from './ls-remote.js';
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
 * by all requests); one GitRunner (environment, credentials, limits, timeouts) for all.
 */
export class GitRepoCache {
  private readonly runner: GitRunner;
  private readonly hosts = new Map<string, GitCodeHost>();
  private readonly missing: BoundedCache<true>;
  private readonly probing = new Map<string, Promise<GitRefs>>();
  private readonly schemes: readonly string[];
  private readonly now: () => number;

  constructor(private readonly options: GitRepoCacheOptions) {
    this.schemes = options.allowedSchemes ?? DEFAULT_GIT_SCHEMES;
    this.now = options.now ?? Date.now;
    this.missing = new BoundedCache({
      maxBytes: MISSING_MAX_BYTES,
      sizeOf: () => 0,
      now: this.now,
    });
    this.runner = new GitRunner({
      ...options,
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
      host = new GitCodeHost(remote, new BareRepo(dir, url, this.runner), this.runner, {
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
        const refs = await withSignal(pending, ctx.signal);
        this.codeHost(url).primeRefs(refs);
      }
      this.missing.delete(url);
      return true;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.missing.set(url, true, this.options.probeNegativeTtlMs ?? 30_000);
      return false;
    }
  }

  /** Kills running git processes; the cache is unusable afterwards. */
  close(): void {
    this.runner.close();
  }
}
