/**
 * Direct fetching, step one: from a module path to the repository that holds it, and whether
 * this server may fetch it. The Go reference: https://go.dev/ref/mod#vcs-find and
 * `go help importpath` / `go help vcs`; the rules come from cmd/go/internal/vcs (vcs.go,
 * discovery.go) and are stated file by file:
 *
 * - repo-resolver: the order (configured rewrites → static table → `?go-get=1` discovery with
 *   the verification re-fetch), policy, scheme checks, caching, GitLab nested groups. The
 *   configured rewrites and GOVCS rules themselves are pure syntax in src/policy/.
 * - static-repo-root: github.com, bitbucket.org, hub.jazz.net, git.apache.org,
 *   git.openstack.org, chiselapp.com and the `host/path.git/...` qualifier rule.
 * - go-import-discovery: the `?go-get=1` pages, the verification re-fetch, their cache.
 * - go-get-fetch, parse-meta-tags, lenient-xml-tokenizer, match-go-import, validate-repo-root:
 *   the discovery request and the reading of go-import / go-source tags.
 * - credentials: the CredentialSource seam, .netrc parsing, a static list.
 *
 * Only git repositories (and `mod` go-import entries, i.e. another GOPROXY) are fetched;
 * hg, svn, bzr and fossil are refused with a clear message.
 */
export { RepoResolver, type RepoResolverOptions, type ResolveContext } from './repo-resolver.js';
export type { RepoRoot } from './repo-root.js';
export { staticRepoRoot, KNOWN_VCS, type StaticRepoRoot } from './static-repo-root.js';
export {
  fetchGoGetPage,
  goGetUrl,
  type DiscoveryHttp,
  type GoGetFetchOptions,
  type GoGetPage,
} from './go-get-fetch.js';
export {
  parseMetaGoImports,
  parseMetaGoSources,
  type MetaImport,
  type MetaSource,
  type ModuleMode,
} from './parse-meta-tags.js';
export {
  LenientXmlTokenizer,
  XmlSyntaxError,
  type XmlAttr,
  type XmlToken,
} from './lenient-xml-tokenizer.js';
export { matchGoImport } from './match-go-import.js';
export { validateRepoRoot } from './validate-repo-root.js';
export {
  ChainedCredentials,
  StaticCredentials,
  credentialsFromTokens,
  defaultNetrcPath,
  netrcCredentials,
  parseNetrc,
  readNetrcFile,
  type CredentialSource,
  type Credentials,
  type HostCredentials,
} from './credentials.js';
