/**
 * From module path to repository, in cmd/go's order (vcs.RepoRootForImportPath with
 * PreferMod, modfetch lookupDirect), with the server's own configuration first:
 *
 * 1. Configured rewrites (url-rewrites.ts): the longest matching prefix names the repository;
 *    no network.
 * 2. The static table of hosting sites (static-repo-root.ts).
 * 3. Dynamic discovery: `?go-get=1` over HTTPS (HTTP only for insecure paths), the go-import
 *    tag whose prefix covers the path (a `mod` tag first), and — when that prefix is not the
 *    path itself — a verification fetch of `<prefix>?go-get=1`, which must name the same
 *    (prefix, vcs, url) or the answer is refused ("disagree about go-import"); a prefix page
 *    without tags fails with its own error (its status, "no go-import meta tag found").
 *    Messages are cmd/go's (repoRootForImportDynamic, metaImportsForPrefix). The URL must
 *    have a scheme other than `file`.
 *
 * Then, for every answer: the VCS policy (GOVCS syntax, checked on the root; `mod` always
 * passes), "only git is supported" for hg/svn/bzr/fossil, and the URL scheme: https, ssh and
 * git+ssh always, http and git:// only for insecure paths (cmd/go leaves this to git's
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
import { ModgateError } from '../../../errors/index.js';
import { redactUrl } from '../../../protocol/redact-url.js';
import { checkPath, matchPrefixPatterns } from '../../../module/index.js';
import type { CredentialSource } from './credentials.js';
import {
  fetchGoGetPage,
  type DiscoveryHttp,
  type GoGetFetchOptions,
  type GoGetPage,
} from './go-get-fetch.js';
import { matchGoImport } from './match-go-import.js';
import type { MetaImport } from './parse-meta-tags.js';
import { staticRepoRoot } from './static-repo-root.js';
import { BoundedCache, ownedString } from '../../../cache/index.js';
import {
  DISCOVERY_PAGES_MAX_BYTES,
  RESOLVED_PATHS_MAX_BYTES,
  pageOutcomeBytes,
  rememberedFailure,
  rememberedPage,
  rememberedRoot,
  rootOutcomeBytes,
  type Outcome,
} from './remembered-outcome.js';
import { compileRewrites, matchRewrite, type RewriteRule } from './url-rewrites.js';
import { validateRepoRoot } from './validate-repo-root.js';
import { VcsPolicy } from './vcs-policy.js';

export interface RepoRoot {
  /** The module path prefix at the repository root. */
  root: string;
  /** `mod`: `url` is a GOPROXY base URL to fetch the module from (a ProxyUpstream). */
  vcs: 'git' | 'mod';
  /** Repository URL (may carry credentials when a rewrite wrote them in; redact for logs). */
  url: string;
  /** Which step answered: for logs and diagnostics. */
  source: 'rewrite' | 'static' | 'discovery';
}

export interface ResolveContext {
  signal?: AbortSignal;
}

export interface RepoResolverOptions {
  /** The pooled HTTP client (HttpClient) for `?go-get=1` requests. */
  http: DiscoveryHttp;
  rewrites?: readonly RewriteRule[];
  /** GOINSECURE syntax, matched against module paths. */
  insecure?: string;
  /** GOPRIVATE syntax: what the policy's `private` / `public` mean (matched on roots). */
  private?: string;
  /** GOVCS syntax; the defaults `private:all,public:git|hg` always follow. */
  vcsPolicy?: string;
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
  private readonly policy: VcsPolicy;
  private readonly insecure: string;
  private readonly fetchOptions: GoGetFetchOptions;
  private readonly positiveTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly results: BoundedCache<Outcome<RepoRoot>>;
  private readonly pages: BoundedCache<Outcome<GoGetPage>>;
  private readonly inflight = new Map<string, Promise<RepoRoot>>();
  private readonly pagesInflight = new Map<string, Promise<GoGetPage>>();

  /** Throws ModgateError `invalid` for a bad rewrite rule or VCS policy. */
  constructor(options: RepoResolverOptions) {
    this.rewrites = compileRewrites(options.rewrites ?? []);
    this.policy = new VcsPolicy(options.vcsPolicy ?? '', options.private ?? '');
    this.insecure = options.insecure ?? '';
    this.fetchOptions = {
      http: options.http,
      credentials: options.credentials,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      dialOverride: options.dialOverride,
    };
    this.positiveTtlMs = options.positiveTtlMs ?? 5 * 60_000;
    this.negativeTtlMs = options.negativeTtlMs ?? 30_000;
    const maxBytes = options.maxCacheBytes ?? RESOLVED_PATHS_MAX_BYTES;
    const now = options.now === undefined ? {} : { now: options.now };
    this.results = new BoundedCache({ maxBytes, sizeOf: rootOutcomeBytes, ...now });
    this.pages = new BoundedCache({
      maxBytes: (maxBytes * DISCOVERY_PAGES_MAX_BYTES) / RESOLVED_PATHS_MAX_BYTES,
      sizeOf: pageOutcomeBytes,
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
    return this.results.bytes + this.pages.bytes;
  }

  /** Forgets every cached answer (e.g. after the configuration changed). */
  clearCache(): void {
    this.results.clear();
    this.pages.clear();
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
    const insecure = matchPrefixPatterns(this.insecure, modulePath);

    const rewrite = matchRewrite(this.rewrites, modulePath);
    if (rewrite !== undefined) {
      this.policy.check(rewrite.vcs, rewrite.root);
      return { root: rewrite.root, vcs: rewrite.vcs, url: rewrite.url, source: 'rewrite' };
    }

    const known = staticRepoRoot(modulePath);
    if (known !== null) {
      this.policy.check(known.vcs, known.root);
      requireGit(known.vcs, known.root);
      return { root: known.root, vcs: 'git', url: known.repoUrl, source: 'static' };
    }

    const mi = await this.discover(modulePath, insecure);
    this.policy.check(mi.vcs, mi.prefix);
    if (mi.vcs !== 'mod') requireGit(mi.vcs, mi.prefix);
    checkScheme(mi, modulePath, insecure);
    return {
      root: mi.prefix,
      vcs: mi.vcs === 'mod' ? 'mod' : 'git',
      url: mi.repoRoot,
      source: 'discovery',
    };
  }

  /** cmd/go repoRootForImportDynamic, up to the policy check. */
  private async discover(modulePath: string, insecure: boolean): Promise<MetaImport> {
    const fail = (kind: 'not-found' | 'upstream', msg: string, cause?: unknown) =>
      new ModgateError(kind, `unrecognized import path "${modulePath}": ${msg}`, { cause });

    let page: GoGetPage;
    try {
      page = await this.page(modulePath, insecure);
    } catch (err) {
      throw rewrap(
        err,
        `unrecognized import path "${modulePath}": ${insecure ? 'http/' : ''}https fetch`,
      );
    }
    if (page.imports.length === 0) {
      const statusErr = statusError(page);
      if (statusErr) throw fail(statusErr.kind, statusErr.message);
      if (page.parseError) {
        throw fail(
          'not-found',
          `parsing ${modulePath}: ${page.parseError.message}`,
          page.parseError,
        );
      }
    }
    let mi: MetaImport;
    try {
      mi = matchGoImport(page.imports, modulePath);
    } catch (err) {
      throw fail('not-found', `parse ${page.url}: ${errorMessage(err)}`);
    }

    if (mi.prefix !== modulePath) {
      // The page for a path deeper in the repository must not be trusted to name the
      // repository for the whole prefix: the prefix's own page has to agree.
      let prefixPage: GoGetPage;
      try {
        prefixPage = await this.page(mi.prefix, insecure);
      } catch (err) {
        throw rewrap(err, `unrecognized import path "${modulePath}": fetching ${mi.prefix}`);
      }
      // cmd/go metaImportsForPrefix: a page without tags is an error of its own — its status
      // (a 5xx stays an outage, not a disagreement), its parse error, or "no go-import meta
      // tag found" — in the go command's words.
      if (prefixPage.imports.length === 0) {
        const prefixStatus = statusError(prefixPage);
        if (prefixStatus) throw fail(prefixStatus.kind, prefixStatus.message);
        if (prefixPage.parseError) {
          throw fail(
            'not-found',
            `parsing ${prefixPage.url}: ${prefixPage.parseError.message}`,
            prefixPage.parseError,
          );
        }
        throw fail(
          'not-found',
          `fetching ${mi.prefix}: no go-import meta tag found in ${prefixPage.url}`,
        );
      }
      let mi2: MetaImport | undefined;
      try {
        mi2 = matchGoImport(prefixPage.imports, modulePath);
      } catch {
        mi2 = undefined;
      }
      if (
        mi2 === undefined ||
        mi2.prefix !== mi.prefix ||
        mi2.vcs !== mi.vcs ||
        mi2.repoRoot !== mi.repoRoot
      ) {
        // cmd/go names the prefix page by the URL it asked for before a scheme was chosen
        // (urlForImportPath: `//host/path?go-get=1`), the first page by the URL answered.
        throw fail(
          'not-found',
          `${page.url} and ${schemelessGoGetUrl(mi.prefix)} disagree about go-import for ${mi.prefix}`,
        );
      }
    }

    try {
      validateRepoRoot(mi.repoRoot);
    } catch (err) {
      throw fail(
        'not-found',
        `${page.url}: invalid repo root ${JSON.stringify(redactUrl(mi.repoRoot))}: ${errorMessage(err)}`,
      );
    }
    if (mi.vcs !== 'mod' && !['git', 'hg', 'svn', 'bzr', 'fossil'].includes(mi.vcs)) {
      throw fail('not-found', `${page.url}: unknown vcs ${JSON.stringify(mi.vcs)}`);
    }
    return mi;
  }

  /** A go-get page, shared by concurrent callers and kept briefly (negative TTL). */
  private async page(importPath: string, insecure: boolean): Promise<GoGetPage> {
    const key = `${insecure ? 'insecure' : 'secure'} ${importPath}`;
    const cached = this.pages.get(key);
    if (cached !== undefined) {
      if (cached.ok) return cached.value;
      throw cached.error;
    }
    let p = this.pagesInflight.get(key);
    if (p === undefined) {
      p = fetchGoGetPage(importPath, insecure, this.fetchOptions)
        .then(
          (value) => {
            const kept = { ok: true as const, value: rememberedPage(value) };
            this.pages.set(ownedString(key), kept, this.negativeTtlMs);
            return value;
          },
          (error: unknown) => {
            // rewrap() makes any foreign error an `upstream` one: remembered as such.
            const remembered = rememberedFailure(error, 'upstream');
            this.pages.set(ownedString(key), { ok: false, error: remembered }, this.negativeTtlMs);
            throw error;
          },
        )
        .finally(() => this.pagesInflight.delete(key));
      this.pagesInflight.set(key, p);
    }
    return p;
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

/** cmd/go urlForImportPath's URL for `importPath`, printed without a scheme. */
function schemelessGoGetUrl(importPath: string): string {
  const slash = importPath.indexOf('/');
  const host = slash < 0 ? importPath : importPath.slice(0, slash);
  const path = slash < 0 ? '/' : importPath.slice(slash);
  return `//${host}${encodeURI(path)}?go-get=1`;
}

/** The error a non-2xx page stands for when it has no go-import tags (cmd/go resp.Err). */
function statusError(
  page: GoGetPage,
): { kind: 'not-found' | 'upstream'; message: string } | undefined {
  if (page.status >= 200 && page.status < 300) return undefined;
  const kind = page.status >= 500 || page.status === 429 ? 'upstream' : 'not-found';
  return { kind, message: `reading ${page.url}: ${page.status} ${statusText(page.status)}` };
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    410: 'Gone',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return texts[status] ?? '';
}

/** A transport error with context in front, keeping its kind. */
function rewrap(err: unknown, context: string): ModgateError {
  if (err instanceof ModgateError) {
    return new ModgateError(err.kind, `${context}: ${err.message}`, { cause: err });
  }
  return new ModgateError('upstream', `${context}: ${errorMessage(err)}`, { cause: err });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function abandoned(signal: AbortSignal): ModgateError {
  return new ModgateError('timeout', 'repository lookup abandoned', { cause: signal.reason });
}
