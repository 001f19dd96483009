/**
 * DirectUpstream: the Upstream seam served straight from version control, the way the go
 * command serves itself in `GOPROXY=direct` mode — no Go toolchain needed. A resolver (go-get
 * discovery, or configuration) names the repository root and the CodeHost of a module path;
 * a CodeRepo per module path applies the module rules. A module whose go-import names another
 * module proxy (`mod`) is passed to that proxy's Upstream unchanged.
 *
 * `.info`/`@latest` bodies are `{"Version":…,"Time":…}` (plus `Origin` when the resolver
 * says which VCS and URL it used), `.mod` and `.zip` are what `go mod download` would put in
 * its cache, `@v/list` lists tagged versions. Everything that means "no such module or
 * version" is `not-found`, so a `,` chain falls through and the go command can probe module
 * path prefixes; code host failures keep their kinds (`upstream`, `timeout`, `forbidden`).
 * `.mod` / `.zip` asked for with `ctx.originHash` (a stored `.info`'s commit) come from that
 * commit or are refused (`checksum`: the tag moved).
 */
import { ModgateError } from '../../errors/index.js';
import { isPseudoVersion } from '../../module/index.js';
import { isCanonicalFor } from '../../protocol/proxy-request.js';
import type { FetchContext, RevInfo, Upstream, ZipSource } from '../upstream.js';
import type { CodeHost } from './code-host.js';
import { CodeRepo, type CodeRevInfo } from './code-repo.js';
import { FileCache } from './code-repo-session.js';
import { MAX_GO_MOD, MAX_ZIP_FILE } from '../../zip/index.js';
import { formatInfoJson, goTimeString } from '../../protocol/info-json.js';
import { spoolModuleZip } from './spool-module-zip.js';

/** What a resolver knows about the repository holding a module. */
export type ResolvedRepo = ResolvedCodeRepo | ResolvedProxy;

/** A version-control repository. */
export interface ResolvedCodeRepo {
  /** The import path of the repository root (a prefix of the module path). */
  readonly root: string;
  readonly codeHost: CodeHost;
  /** For `.info` Origin: the VCS (`git`) and the repository URL (user info is dropped). */
  readonly vcs?: string;
  readonly url?: string;
}

/** A module proxy named by a `mod` go-import: asked for the full module path, answers as is. */
export interface ResolvedProxy {
  readonly root: string;
  readonly proxy: Upstream;
}

/** Finds the repository of a module path; throws `not-found` when there is none. */
export type RepoResolver = (modulePath: string, ctx?: FetchContext) => Promise<ResolvedRepo>;

export interface DirectUpstreamOptions {
  readonly description?: string;
  /** Where zip archives are spooled; the OS temporary directory by default. */
  readonly tmpDir?: string;
  /** How many module paths keep their CodeRepo (least recently used out). Default 1000. */
  readonly maxRepos?: number;
  /**
   * Size limits (config `limits.*`), at most Go's own (500 MiB zip, 16 MiB go.mod, which the
   * module layer always applies). Over a limit is `too-large`, before a byte is served: zips
   * are spooled first (spool-module-zip.ts).
   */
  readonly maxZipBytes?: number;
  readonly maxModBytes?: number;
}

interface CachedRepo {
  readonly repo: CodeRepo;
  readonly origin: { vcs?: string; url?: string };
}

type Cached = CachedRepo | { readonly proxy: Upstream };

export class DirectUpstream implements Upstream {
  readonly description: string;
  private readonly repos = new Map<string, Promise<Cached>>();
  private readonly files = new FileCache();

  constructor(
    private readonly resolve: RepoResolver,
    private readonly options: DirectUpstreamOptions = {},
  ) {
    this.description = options.description ?? 'direct';
  }

  async list(modulePath: string, ctx: FetchContext): Promise<string[]> {
    const cached = await this.repo(modulePath, ctx);
    if ('proxy' in cached) return cached.proxy.list(modulePath, ctx);
    return cached.repo.versions(hostContext(ctx));
  }

  async info(modulePath: string, query: string, ctx: FetchContext): Promise<RevInfo> {
    const cached = await this.repo(modulePath, ctx);
    if ('proxy' in cached) return cached.proxy.info(modulePath, query, ctx);
    const info = await cached.repo.stat(query, hostContext(ctx));
    if (isCanonicalFor(modulePath, query) && info.version !== query) {
      throw new ModgateError(
        'not-found',
        `${modulePath}@${query}: invalid version: resolves to version ${info.version}`,
      );
    }
    return this.revInfo(cached, info);
  }

  async latest(modulePath: string, ctx: FetchContext): Promise<RevInfo> {
    const cached = await this.repo(modulePath, ctx);
    if ('proxy' in cached) return cached.proxy.latest(modulePath, ctx);
    return this.revInfo(cached, await cached.repo.latest(hostContext(ctx)));
  }

  async mod(modulePath: string, version: string, ctx: FetchContext): Promise<Buffer> {
    const cached = await this.repo(modulePath, ctx);
    const mod =
      'proxy' in cached
        ? await cached.proxy.mod(modulePath, version, ctx)
        : await this.pinnedGoMod(cached, modulePath, version, ctx);
    const max = this.options.maxModBytes ?? MAX_GO_MOD;
    if (mod.length > max) {
      throw new ModgateError(
        'too-large',
        `${modulePath}@${version}: go.mod is ${mod.length} bytes, over the configured limit of ${max} bytes (limits.max_mod_size)`,
      );
    }
    return mod;
  }

  async zip(modulePath: string, version: string, ctx: FetchContext): Promise<ZipSource> {
    const cached = await this.repo(modulePath, ctx);
    if ('proxy' in cached) return cached.proxy.zip(modulePath, version, ctx);
    await this.checkOrigin(cached, modulePath, version, ctx);
    const stream = await cached.repo.zip(version, hostContext(ctx));
    return spoolModuleZip(
      stream,
      this.options.maxZipBytes ?? MAX_ZIP_FILE,
      `${modulePath}@${version}`,
      this.options.tmpDir,
      ctx.signal,
    );
  }

  private async pinnedGoMod(
    cached: CachedRepo,
    modulePath: string,
    version: string,
    ctx: FetchContext,
  ): Promise<Buffer> {
    await this.checkOrigin(cached, modulePath, version, ctx);
    return cached.repo.goMod(version, hostContext(ctx));
  }

  /**
   * With `ctx.originHash` (the commit a stored `.info` recorded): the version must still be
   * that commit, or its `.mod` / `.zip` would not match the `.info` already served — a tag
   * that moved after the git cache (which keeps the commit a tag had when first fetched) was
   * lost. Then kind `checksum`, and nothing is stored; the stored `.info` stays as it is.
   */
  private async checkOrigin(
    cached: CachedRepo,
    modulePath: string,
    version: string,
    ctx: FetchContext,
  ): Promise<void> {
    const want = ctx.originHash?.toLowerCase();
    if (want === undefined) return;
    const info = await cached.repo.stat(version, hostContext(ctx));
    if (info.name.toLowerCase() === want) return;
    const tag = info.ref?.replace(/^refs\/tags\//, '') ?? version;
    throw new ModgateError(
      'checksum',
      `${modulePath}@${version}: tag ${tag} moved from ${want} to ${info.name}; the stored version is kept (its .info names ${want.slice(0, 12)}), so its .mod and .zip cannot be served from the repository any more`,
    );
  }

  private revInfo(cached: CachedRepo, info: CodeRevInfo): RevInfo {
    const { vcs, url } = cached.origin;
    const origin =
      vcs !== undefined || url !== undefined
        ? {
            ...(vcs !== undefined ? { vcs } : {}),
            ...(url !== undefined ? { url } : {}),
            subdir: cached.repo.layout.codeDir,
            // As the go command stores it: a pseudo-version does not depend on the ref.
            ...(info.ref !== undefined && !isPseudoVersion(info.version) ? { ref: info.ref } : {}),
            hash: info.name,
          }
        : undefined;
    return {
      version: info.version,
      time: goTimeString(info.time),
      raw: Buffer.from(formatInfoJson(info.version, info.time, origin)),
    };
  }

  /** The CodeRepo of a module path: resolved once, shared by concurrent callers. */
  private repo(modulePath: string, ctx: FetchContext): Promise<Cached> {
    const hit = this.repos.get(modulePath);
    if (hit !== undefined) {
      this.repos.delete(modulePath);
      this.repos.set(modulePath, hit);
      return hit;
    }
    const p = this.resolve(modulePath, ctx).then((resolved): Cached => {
      if ('proxy' in resolved) return { proxy: resolved.proxy };
      return {
        repo: new CodeRepo(modulePath, resolved.root, resolved.codeHost, {
          fileCache: this.files,
          ...(this.options.tmpDir !== undefined ? { tmpDir: this.options.tmpDir } : {}),
        }),
        origin: {
          ...(resolved.vcs !== undefined ? { vcs: resolved.vcs } : {}),
          ...(resolved.url !== undefined ? { url: withoutUserInfo(resolved.url) } : {}),
        },
      };
    });
    this.repos.set(modulePath, p);
    // Failures are not remembered: the next request resolves again.
    p.catch(() => {
      if (this.repos.get(modulePath) === p) this.repos.delete(modulePath);
    });
    const max = this.options.maxRepos ?? 1000;
    for (const key of this.repos.keys()) {
      if (this.repos.size <= max) break;
      this.repos.delete(key);
    }
    return p;
  }
}

function hostContext(ctx: FetchContext): { signal?: AbortSignal } {
  return ctx.signal !== undefined ? { signal: ctx.signal } : {};
}

/** A URL without `user:password@` (rewrites may put credentials there); others unchanged. */
export function withoutUserInfo(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // scp-like `git@host:path`: the user is not a secret
  }
  if (parsed.username === '' && parsed.password === '') return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}
