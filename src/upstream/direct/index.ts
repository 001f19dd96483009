/**
 * Direct fetching: serving modules straight from version control, as the go command does in
 * `GOPROXY=direct` mode, without a Go toolchain on the server (https://go.dev/ref/mod#vcs;
 * cmd/go/internal/modfetch). Three layers:
 *
 * - discovery/: from a module path to its repository (static rules, go-get meta tags,
 *   rewrites, VCS policy, credentials).
 * - git/ (behind the CodeHost seam, code-host.ts): one repository at VCS level — refs, tags,
 *   revisions, files, archives.
 * - code-repo*: one module inside one repository, with the module rules (cmd/go
 *   modfetch/coderepo.go): the module's directory and tag prefix; `/vN` as a major branch or
 *   a major subdirectory; gopkg.in; `+incompatible` for v2+ tags without go.mod (and, since
 *   Go 1.19, without `vN/go.mod`); the version list; the version of any revision (tag,
 *   branch, hash, pseudo-version validated against its commit and an ancestor tag); pseudo-
 *   versions based on the highest reachable unretracted tag; retractions read from the latest
 *   release's go.mod; the go.mod as committed or synthesized; the zip from the repository's
 *   archive under the x/mod/zip rules, with the root LICENSE for subdirectory modules.
 *   direct-upstream.ts puts it behind the Upstream seam; direct-repo-resolver.ts connects it to
 *   discovery: a refs probe before any clone (a path prefix without a repository is a fast,
 *   briefly cached 404) and `mod` go-imports served by the proxy they name.
 *
 * The go command is the oracle: test/upstream/direct/conformance.test.ts compares versions,
 * `.info` times, `.mod` bytes and `h1:` sums with `go mod download` in direct mode.
 */
export type { CodeHost, CodeHostContext, RevInfoVcs, TagInfo } from './code-host.js';
export { CodeRepo, type CodeRepoOptions, type CodeRevInfo } from './code-repo.js';
export { FileCache } from './code-repo-session.js';
export {
  DirectUpstream,
  withoutUserInfo,
  type DirectUpstreamOptions,
  type RepoResolver,
  type ResolvedCodeRepo,
  type ResolvedProxy,
  type ResolvedRepo,
} from './direct-upstream.js';
export { directRepoResolver, type DirectRepoResolverOptions } from './direct-repo-resolver.js';
export { legacyGoMod } from './legacy-go-mod.js';
