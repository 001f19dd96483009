/**
 * Dynamic discovery (cmd/go repoRootForImportDynamic, metaImportsForPrefix): `?go-get=1` over
 * HTTPS (HTTP only for insecure paths), the go-import tag whose prefix covers the path (a `mod`
 * tag first), and — when that prefix is not the path itself — a verification fetch of
 * `<prefix>?go-get=1`, which must name the same (prefix, vcs, url) or the answer is refused
 * ("disagree about go-import"); a prefix page without tags fails with its own error (its
 * status, "no go-import meta tag found"). Messages are cmd/go's. The repository URL must have
 * a scheme other than `file` (validate-repo-root.ts).
 *
 * Error kinds: `upstream` / `timeout` when a discovery host cannot be reached or answers
 * 5xx/429; `not-found` for everything else.
 *
 * Pages are shared by concurrent callers and kept briefly (the resolver's negative lifetime),
 * so the module paths under one prefix that resolve together fetch its page once; the cache
 * is bounded by bytes.
 */
import { BoundedCache, ownedString } from '../../../cache/index.js';
import { ModgateError } from '../../../errors/index.js';
import { redactUrl } from '../../../protocol/redact-url.js';
import { fetchGoGetPage, type GoGetFetchOptions, type GoGetPage } from './go-get-fetch.js';
import { matchGoImport } from './match-go-import.js';
import type { MetaImport } from './parse-meta-tags.js';
import {
  pageOutcomeBytes,
  rememberedFailure,
  rememberedPage,
  type Outcome,
} from './remembered-outcome.js';
import { validateRepoRoot } from './validate-repo-root.js';

export interface GoImportDiscoveryOptions {
  fetch: GoGetFetchOptions;
  /** How long a fetched page (or its failure) is remembered. */
  pageTtlMs: number;
  /** Bytes of pages remembered at most. */
  maxCacheBytes: number;
  now?: () => number;
}

export class GoImportDiscovery {
  private readonly fetchOptions: GoGetFetchOptions;
  private readonly pageTtlMs: number;
  private readonly pages: BoundedCache<Outcome<GoGetPage>>;
  private readonly pagesInflight = new Map<string, Promise<GoGetPage>>();

  constructor(options: GoImportDiscoveryOptions) {
    this.fetchOptions = options.fetch;
    this.pageTtlMs = options.pageTtlMs;
    this.pages = new BoundedCache({
      maxBytes: options.maxCacheBytes,
      sizeOf: pageOutcomeBytes,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  }

  /** Bytes the remembered pages account for. */
  get cachedBytes(): number {
    return this.pages.bytes;
  }

  /** Forgets every remembered page. */
  clearCache(): void {
    this.pages.clear();
  }

  /**
   * cmd/go repoRootForImportDynamic, up to the policy check: the go-import tag naming the
   * repository of `modulePath`, verified against its prefix's own page.
   */
  async discover(modulePath: string, insecure: boolean): Promise<MetaImport> {
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
            this.pages.set(ownedString(key), kept, this.pageTtlMs);
            return value;
          },
          (error: unknown) => {
            // rewrap() makes any foreign error an `upstream` one: remembered as such.
            const remembered = rememberedFailure(error, 'upstream');
            this.pages.set(ownedString(key), { ok: false, error: remembered }, this.pageTtlMs);
            throw error;
          },
        )
        .finally(() => this.pagesInflight.delete(key));
      this.pagesInflight.set(key, p);
    }
    return p;
  }
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
