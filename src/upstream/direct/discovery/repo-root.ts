/** What RepoResolver answers for a module path: the repository that holds it. */
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
