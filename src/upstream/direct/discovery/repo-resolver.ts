/**
 * From module path to repository, in cmd/go's order (vcs.RepoRootForImportPath with
 * PreferMod, modfetch lookupDirect), with the server's own configuration first:
 *
 * 1. Configured rewrites (url-rewrites.ts): the longest matching prefix names the repository;
 *    no network.
 * 2. The static table of hosting sites (static-repo-root.ts).
 * 3. Dynamic discovery: `?go-get=1` pages and their go-import tags (go-import-discovery.ts).
 *
 * Then, for every answer: the VCS policy (Policy.checkVcs: GOVCS, checked on the root; `mod`
 * always passes), "only git is supported" for hg/svn/bzr/fossil, and the URL scheme: https, ssh and
 * git+ssh always, http and git:// only for insecure paths (ModulePolicy.insecure; cmd/go leaves this to git's
 * protocol.allow; a server should not fetch private code in the clear by accident). Rewrites
 * are the operator's own and skip the scheme check.
 *
 * Error kinds: `invalid` for a malformed module path; `forbidden` for the VCS policy and
 * insecure URLs (the client stops and shows why); `upstream` / `timeout` when a discovery
 * host cannot be reached or answers 5xx/429; `not-found` for everything else — a path no
 * repository can be found for, which cmd/go also reports as "not exist" (so a `,` GOPROXY
 * list falls through).
 *
 * Answers are cached per module path (successes for minutes, failures briefly), concurrent
 * resolutions of one path and fetches of one page share a single request, and every request
 * has its own timeout; a caller's AbortSignal abandons only that caller's wait.
 *
 * GitLab nested groups: GitLab answers an anonymous `?go-get=1` for `host/group/sub/proj` with
 * root `host/group/sub` (it will not reveal nested private projects), and the verification
 * fetch agrees, so the wrong repository is named. Configure credentials for the GitLab host
 * (they are sent on HTTPS discovery requests to that host only), or a rewrite for the group.
 */
import { untilAborted } from '../../../async/index.js';
import { BoundedCache, ownedString } from '../../../cache/index.js';
import { ModgateError } from '../../../errors/index.js';
import { redactUrl } from '../../../protocol/redact-url.js';
import { checkPath } from '../../../module/index.js';
import {
  compilePolicy,
  compileRewrites,
  matchRewrite,
  type Policy,
  type RewriteRule,
} from '../../../policy/index.js';
import type { CredentialSource } from './credentials.js';
import type { DiscoveryHttp } from './go-get-fetch.js';
import { GoImportDiscovery } from './go-import-discovery.js';
import type { MetaImport } from './parse-meta-tags.js';
import {
  DISCOVERY_PAGES_MAX_BYTES,
  RESOLVED_PATHS_MAX_BYTES,
  rememberedFailure,
  rememberedRoot,
  rootOutcomeBytes,
  type Outcome,
} from './remembered-outcome.js';
import type { RepoRoot } from './repo-root.js';
import { staticRepoRoot } from './static-repo-root.js';
import { validateRepoRoot } from './validate-repo-root.js';

export interface ResolveContext {
  signal?: AbortSignal;
}

export interface RepoResolverOptions {
  /** The pooled HTTP client (HttpClient) for `?go-get=1` requests. */
  http: DiscoveryHttp;
  rewrites?: readonly RewriteRule[];
  /**
   * The compiled policy: which paths are insecure, and which VCS may be used for a root
   * (GOVCS). Default: nothing private or insecure, GOVCS defaults only.
   */
  policy?: Policy;
  credentials?: CredentialSource;
  /** Per discovery request (the HTTPS try for insecure paths: at most 5 s). Default 10 s. */
  timeoutMs?: number;
  /** How long a resolved repository is remembered. Default 5 min. */
  positiveTtlMs?: number;
  /** How long a failure is remembered. Default 30 s. */
  negativeTtlMs?: number;
  /**
   * Bytes of resolved paths remembered (RESOLVED_PATHS_MAX_BYTES); go-get pages get half as
   * much (DISCOVERY_PAGES_MAX_BYTES). Default 4 MiB.
   */
  maxCacheBytes?: number;
  /** Bytes of a discovery page read at most (only its head matters). Default 1 MiB. */
  maxBodyBytes?: number;
  now?: () => number;
  /** Test seam, see GoGetFetchOptions.dialOverride. */
  dialOverride?: (url: URL) => URL;
}

const SECURE_GIT_SCHEMES = new Set(['https', 'ssh', 'git+ssh']);
const INSECURE_GIT_SCHEMES = new Set(['http', 'git']);

export class RepoResolver {
  private readonly rewrites;
  private readonly policy: Policy;
  private readonly discovery: GoImportDiscovery;
  private readonly positiveTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly results: BoundedCache<Outcome<RepoRoot>>;
  private readonly inflight = new Map<string, Promise<RepoRoot>>();

  /** Throws ModgateError `invalid` for a bad rewrite rule. */
  constructor(options: RepoResolverOptions) {
    this.rewrites = compileRewrites(options.rewrites ?? []);
    this.policy =
      options.policy ?? compilePolicy({ private: '', noVerify: '', insecure: '', vcsPolicy: '' });
    this.positiveTtlMs = options.positiveTtlMs ?? 5 * 60_000;
    this.negativeTtlMs = options.negativeTtlMs ?? 30_000;
    const maxBytes = options.maxCacheBytes ?? RESOLVED_PATHS_MAX_BYTES;
    const now = options.now === undefined ? {} : { now: options.now };
    this.results = new BoundedCache({ maxBytes, sizeOf: rootOutcomeBytes, ...now });
    this.discovery = new GoImportDiscovery({
      fetch: {
        http: options.http,
        credentials: options.credentials,
        timeoutMs: options.timeoutMs ?? 10_000,
        maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
        dialOverride: options.dialOverride,
      },
      pageTtlMs: this.negativeTtlMs,
      maxCacheBytes: (maxBytes * DISCOVERY_PAGES_MAX_BYTES) / RESOLVED_PATHS_MAX_BYTES,
      ...now,
    });
  }

  /** The repository holding `modulePath`. */
  async resolve(modulePath: string, ctx: ResolveContext = {}): Promise<RepoRoot> {
    if (ctx.signal?.aborted) throw abandoned(ctx.signal);
    const cached = this.results.get(modulePath);
    if (cached !== undefined) {
      if (cached.ok) return { ...cached.value };
      throw cached.error;
    }
    let p = this.inflight.get(modulePath);
    if (p === undefined) {
      p = this.resolveAndCache(modulePath).finally(() => this.inflight.delete(modulePath));
      this.inflight.set(modulePath, p);
    }
    return { ...(await untilAborted(p, ctx.signal, abandoned)) };
  }

  /** Bytes the cached answers and pages account for; at most `maxCacheBytes` × 1.5. */
  get cachedBytes(): number {
    return this.results.bytes + this.discovery.cachedBytes;
  }

  /** Forgets every cached answer (e.g. after the configuration changed). */
  clearCache(): void {
    this.results.clear();
    this.discovery.clearCache();
  }

  private async resolveAndCache(modulePath: string): Promise<RepoRoot> {
    try {
      const value = await this.resolveUncached(modulePath);
      const kept = { ok: true as const, value: rememberedRoot(value) };
      this.results.set(ownedString(modulePath), kept, this.positiveTtlMs);
      return value;
    } catch (error) {
      const remembered = rememberedFailure(error, 'internal');
      this.results.set(
        ownedString(modulePath),
        { ok: false, error: remembered },
        this.negativeTtlMs,
      );
      throw error;
    }
  }

  private async resolveUncached(modulePath: string): Promise<RepoRoot> {
    checkPath(modulePath);
    const { insecure } = this.policy.forModule(modulePath);

    const rewrite = matchRewrite(this.rewrites, modulePath);
    if (rewrite !== undefined) {
      this.policy.checkVcs(rewrite.vcs, rewrite.root);
      return { root: rewrite.root, vcs: rewrite.vcs, url: rewrite.url, source: 'rewrite' };
    }

    const known = staticRepoRoot(modulePath);
    if (known !== null) {
      this.policy.checkVcs(known.vcs, known.root);
      requireGit(known.vcs, known.root);
      return { root: known.root, vcs: 'git', url: known.repoUrl, source: 'static' };
    }

    const mi = await this.discovery.discover(modulePath, insecure);
    this.policy.checkVcs(mi.vcs, mi.prefix);
    if (mi.vcs !== 'mod') requireGit(mi.vcs, mi.prefix);
    checkScheme(mi, modulePath, insecure);
    return {
      root: mi.prefix,
      vcs: mi.vcs === 'mod' ? 'mod' : 'git',
      url: mi.repoRoot,
      source: 'discovery',
    };
  }
}

function requireGit(vcs: string, root: string): void {
  if (vcs === 'git') return;
  throw new ModgateError(
    'not-found',
    `${root} is a ${vcs} repository; only git is supported for direct fetching`,
  );
}

function checkScheme(mi: MetaImport, modulePath: string, insecure: boolean): void {
  const scheme = validateRepoRoot(mi.repoRoot);
  const secure = mi.vcs === 'mod' ? scheme === 'https' : SECURE_GIT_SCHEMES.has(scheme);
  const allowedInsecure = mi.vcs === 'mod' ? scheme === 'http' : INSECURE_GIT_SCHEMES.has(scheme);
  if (secure) return;
  const url = redactUrl(mi.repoRoot);
  if (allowedInsecure) {
    if (insecure) return;
    throw new ModgateError(
      'forbidden',
      `insecure ${mi.vcs === 'mod' ? 'proxy' : 'repository'} URL ${url} for ${modulePath}: add the path to direct.insecure to allow it`,
    );
  }
  throw new ModgateError(
    'forbidden',
    `unsupported URL scheme "${scheme}" in ${url} for ${modulePath}`,
  );
}

function abandoned(signal: AbortSignal): ModgateError {
  return new ModgateError('timeout', 'repository lookup abandoned', { cause: signal.reason });
}
