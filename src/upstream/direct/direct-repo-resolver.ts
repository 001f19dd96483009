import { ModgateError } from '../../errors/index.js';
import { redactUrl } from '../../protocol/redact-url.js';
import type { FetchContext, Upstream } from '../upstream.js';
import type { CodeHost } from './code-host.js';
import type { RepoResolver, ResolvedRepo } from './direct-upstream.js';
import type { RepoRoot } from './discovery/repo-root.js';

export interface DirectRepoResolverOptions {
  /** Module path → repository root, VCS and URL (discovery/RepoResolver). */
  resolver: { resolve(modulePath: string, ctx?: FetchContext): Promise<RepoRoot> };
  /** The git side (git/GitRepoCache). */
  git: {
    /** Whether a repository exists at the URL, by its refs alone (no clone; "no" cached). */
    probe(url: string, ctx?: FetchContext): Promise<boolean>;
    codeHost(url: string): CodeHost;
  };
  /**
   * The Upstream serving a `mod` go-import's URL as a GOPROXY (a ProxyUpstream); called once
   * per URL, the answer is kept.
   */
  proxy: (url: string) => Upstream;
}

/**
 * The resolver DirectUpstream uses in a server: discovery first, then
 *
 * - for git: a probe of the remote's refs (`git ls-remote`, shared with the code host's refs
 *   cache) before anything is cloned, so a module path prefix without a repository — which the
 *   go command asks about while it looks for the module containing a package — is a fast
 *   `not-found`, remembered briefly, and leaves no repository directory behind;
 * - for `mod` (a go-import naming another module proxy, https://go.dev/ref/mod#serving-from-proxy):
 *   that proxy, asked for the full module path, as the go command does.
 */
export function directRepoResolver(options: DirectRepoResolverOptions): RepoResolver {
  const proxies = new Map<string, Upstream>();
  return async (modulePath, ctx) => {
    const root = await options.resolver.resolve(modulePath, ctx);
    if (root.vcs === 'mod') {
      let proxy = proxies.get(root.url);
      if (proxy === undefined) {
        proxy = options.proxy(root.url);
        proxies.set(root.url, proxy);
      }
      return { root: root.root, proxy } satisfies ResolvedRepo;
    }
    if (!(await options.git.probe(root.url, ctx))) {
      throw new ModgateError(
        'not-found',
        `${modulePath}: no git repository at ${redactUrl(root.url)} (for ${root.root})`,
      );
    }
    return { root: root.root, codeHost: options.git.codeHost(root.url), vcs: 'git', url: root.url };
  };
}
