/**
 * The git CodeHost: direct fetching of module sources from git remotes, through the system
 * `git` binary, without a Go toolchain (cmd/go's modfetch/codehost/git.go; see
 * go-modules-spec §4.5 and §4.11, https://go.dev/ref/mod#vcs-git).
 *
 * Rules enforced here:
 * - refs are `git ls-remote`'s HEAD, refs/heads/* and refs/tags/*, annotated tags peeled;
 * - revisions resolve in cmd/go's order (local hash, local tag, remote tag, branch, HEAD,
 *   unique hash prefix of a ref) and nothing unreachable from a head or tag is ever fetched;
 * - commit time is the committer time in UTC; tags on a commit are sorted;
 * - archives are `git archive --format=zip` with export-subst and export-ignore disabled and
 *   no line-ending conversion, so blobs come out byte for byte as committed;
 * - git never prompts, the user's git configuration (insteadOf, credential helpers, SSH)
 *   still applies, configured credentials reach git only through its environment, and no
 *   error message carries a secret; git failures become ModgateErrors in one function
 *   (`mapGitError`): missing repository → not-found, authentication → forbidden naming the
 *   host, a refused ssh host key → upstream naming the host and the known_hosts file,
 *   network → upstream/timeout naming the host;
 * - ssh keys the server holds (`SshIdentities`) are used per remote host, only that key, in
 *   batch mode, with strict (or accept-new) host key checking against a known_hosts file;
 *   hosts without one keep the user's ssh set-up.
 */
export {
  GitRepoCache,
  type GitRepoCacheOptions,
  type GitRepoCacheStats,
} from './git-repo-cache.js';
export type { GitCacheLog, GitCacheStats } from './git-cache-bound.js';
export { GitCodeHost, type GitCodeHostOptions } from './git-code-host.js';
export type { GitCommandEvent, GitCommandClass } from './git-runner.js';
export type { GitCredential, CredentialLookup, HostCredentials } from './git-credentials.js';
export type { GitRefs } from './git-refs.js';
export { mapGitError } from './map-git-error.js';
export { DEFAULT_GIT_SCHEMES, SCP_LIKE, gitSchemesForRewrites } from './git-remote.js';
export {
  SshIdentities,
  type SshHostKeyChecking,
  type SshKeyEntry,
  type SshIdentityOptions,
  type SshSetup,
} from './ssh-identities.js';
export { checkSshFiles } from './check-ssh-files.js';
