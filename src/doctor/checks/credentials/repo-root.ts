/**
 * The repository of a module path without the network, for the path shapes the go command
 * knows statically (cmd/go/internal/vcs/vcs.go `vcsPaths`, Go 1.19): github.com and
 * bitbucket.org `host/owner/repo`, and a path with a VCS suffix (`host/team/repo.git/sub`).
 * Every other path needs go-get discovery (go-get-discovery.ts). Kept small on purpose: doctor
 * probes the repository the go command would use; it does not re-implement modgate's resolver.
 */

export interface RepoRoot {
  /** The module path prefix that is the repository root (`github.com/o/r`, `host/team/repo.git`). */
  root: string;
  vcs: string;
  /** The URL the go command clones (for a VCS suffix path: `https://` + the path without the suffix). */
  url: string;
}

const HOSTED =
  /^((?:github\.com|bitbucket\.org)\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)(\/[A-Za-z0-9_.-]+)*$/;
const VCS_SUFFIX =
  /^((([a-z0-9.-]+\.)+[a-z0-9.-]+(:[0-9]+)?(\/~?[A-Za-z0-9_.-]+)+?)\.(bzr|fossil|git|hg|svn))(\/~?[A-Za-z0-9_.-]+)*$/;

export function staticRepoRoot(modulePath: string): RepoRoot | undefined {
  const hosted = HOSTED.exec(modulePath);
  if (hosted !== null) {
    const root = hosted[1] ?? '';
    return { root, vcs: 'git', url: `https://${root}` };
  }
  const suffixed = VCS_SUFFIX.exec(modulePath);
  if (suffixed !== null) {
    return { root: suffixed[1] ?? '', vcs: suffixed[6] ?? '', url: `https://${suffixed[2] ?? ''}` };
  }
  return undefined;
}
