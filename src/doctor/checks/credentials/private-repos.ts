import type { DoctorContext, FetchedModule } from '../../doctor-context.js';
import { readGitConfig, rewriteFetchUrl, type UrlRewrite } from './git-config.js';
import { goGetDiscovery } from './go-get-discovery.js';
import { staticRepoRoot } from './repo-root.js';

/** A private module's repository, as the go command (GOPROXY=direct for it) would reach it. */
export interface PrivateRepo {
  module: FetchedModule;
  /** The repository root's module path, when known. */
  root?: string;
  vcs?: string;
  /** The URL the go command hands to git (`https://host/path`), when known. */
  url?: string;
  /** The URL git really contacts, after insteadOf rewrites (may hold credentials: redact before showing). */
  fetchUrl?: string;
  /** The insteadOf rule that rewrote `url`. */
  rule?: UrlRewrite;
  /** Why no URL is known (discovery failed, offline, not git). */
  problem?: string;
}

const cache = new WeakMap<DoctorContext, Promise<PrivateRepo[]>>();

/**
 * The repositories of the modules the go command fetches directly (ctx.module.fetched with
 * noProxy: matched by GONOPROXY/GOPRIVATE), one per repository root, computed once per run and
 * shared by the credential checks. Offline, paths that need go-get discovery get a problem
 * instead of a request.
 */
export function privateRepos(ctx: DoctorContext): Promise<PrivateRepo[]> {
  let p = cache.get(ctx);
  if (p === undefined) {
    p = load(ctx);
    cache.set(ctx, p);
  }
  return p;
}

async function load(ctx: DoctorContext): Promise<PrivateRepo[]> {
  const git = await readGitConfig(ctx);
  const goinsecure = ctx.go?.env.GOINSECURE ?? ctx.env.GOINSECURE ?? '';
  const seen = new Set<string>();
  const modules = (ctx.module?.fetched ?? []).filter((m) => m.noProxy);
  const repos = await Promise.all(
    modules.map(async (module): Promise<PrivateRepo> => {
      let repo = staticRepoRoot(module.path);
      if (repo === undefined) {
        if (ctx.offline) {
          return { module, problem: ctx.t('credentials.repo.offline') };
        }
        const found = await goGetDiscovery(ctx, module.path, goinsecure);
        if (!found.ok)
          return {
            module,
            problem: ctx.t('credentials.repo.discovery', { problem: found.problem }),
          };
        repo = found.repo;
      }
      if (repo.vcs !== 'git') {
        return {
          module,
          root: repo.root,
          vcs: repo.vcs,
          url: repo.url,
          problem: ctx.t('credentials.repo.not-git', { vcs: repo.vcs }),
        };
      }
      const rewritten = rewriteFetchUrl(repo.url, git.rewrites);
      return {
        module,
        root: repo.root,
        vcs: repo.vcs,
        url: repo.url,
        fetchUrl: rewritten.url,
        rule: rewritten.rule,
      };
    }),
  );
  // One entry per repository: several modules of one repository need one probe.
  return repos.filter((r) => {
    const key = r.root ?? r.module.path;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `host` of a URL or of scp-like `user@host:path`; undefined when there is none. */
export function hostOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.hostname !== '') return u.hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    // not a URL: maybe scp-like
  }
  const scp = /^(?:[^@/]+@)?([^:/]+):/.exec(url);
  return scp?.[1];
}

/** Whether git reaches `url` over ssh (ssh://, git+ssh://, or scp-like `git@host:path`). */
export function isSshUrl(url: string): boolean {
  if (/^(ssh|git\+ssh|ssh\+git):\/\//i.test(url)) return true;
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && /^[^/]*:/.test(url) && !/^[a-z]:[\\/]/i.test(url);
}
