/**
 * The built-in table of code hosting sites (cmd/go vcs.go vcsPaths): module paths on these
 * hosts map to a repository without any network request.
 *
 * | prefix          | root                                          | vcs    |
 * |-----------------|-----------------------------------------------|--------|
 * | github.com      | github.com/<owner>/<repo>                     | git    |
 * | bitbucket.org   | bitbucket.org/<owner>/<repo>                  | git    |
 * | hub.jazz.net/git| hub.jazz.net/git/<user [a-z0-9]+>/<repo>      | git    |
 * | git.apache.org  | git.apache.org/<name>.git                     | git    |
 * | git.openstack.org | git.openstack.org/<a>/<b> (optional `.git`) | git    |
 * | chiselapp.com   | chiselapp.com/user/<u>/repository/<r>         | fossil |
 * | any host        | <host>/<path>.<vcs> (`.git`, `.hg`, ...)       | <vcs>  |
 *
 * The first entry whose prefix is a path prefix of the path decides: if its pattern does not
 * match, the path is invalid for that host (no fall-through to discovery). The last, general
 * rule — a VCS qualifier anywhere in the path — has no prefix: a non-match there just means
 * the path needs dynamic discovery. On github.com, bitbucket.org and hub.jazz.net a repository
 * name ending in a VCS suffix (`.git`, ...) is refused ("invalid version control suffix").
 *
 * For the general rule the root keeps the qualifier (`example.com/foo.git`) and the repository
 * drops it (`example.com/foo`); with several qualifiers the last one ends the root, as Go's
 * leftmost-first regexp has it (`a.com/x.git/y.git/z` → root `a.com/x.git/y.git`). cmd/go picks the scheme by probing the VCS over each scheme
 * (git: git, https, http, git+ssh, ssh). This table proposes `https://`; callers that can
 * probe may use `schemelessRepo` to choose another.
 *
 * cmd/go's test hooks (`example.net/...`, bare `rsc.io`) and the post-discovery launchpad.net
 * (bzr) entry are left out: bzr is not supported here anyway.
 */
import { ModgateError } from '../../../errors/index.js';
import { hasPathPrefix } from '../../../module/index.js';

export interface StaticRepoRoot {
  /** The module path prefix that is the repository root. */
  root: string;
  /** The VCS name as cmd/go spells it: git, hg, svn, bzr, fossil. */
  vcs: string;
  /** The repository URL (for the general rule: `https://` + schemelessRepo). */
  repoUrl: string;
  /** Only for the general VCS-qualifier rule: the repository without a scheme. */
  schemelessRepo?: string;
}

interface VcsPath {
  prefix: string;
  regexp: RegExp;
  vcs?: string;
  /** Refuse repository names ending in a VCS suffix (cmd/go noVCSSuffix). */
  noVcsSuffix?: boolean;
}

/** cmd/go's vcsList order: the suffixes noVCSSuffix refuses. */
export const KNOWN_VCS = ['hg', 'git', 'svn', 'bzr', 'fossil'] as const;

const ELEM = '[A-Za-z0-9_.\\-]+';

const VCS_PATHS: readonly VcsPath[] = [
  {
    prefix: 'github.com',
    regexp: new RegExp(`^(?<root>github\\.com/${ELEM}/${ELEM})(/${ELEM})*$`),
    vcs: 'git',
    noVcsSuffix: true,
  },
  {
    prefix: 'bitbucket.org',
    regexp: new RegExp(`^(?<root>bitbucket\\.org/(?<bitname>${ELEM}/${ELEM}))(/${ELEM})*$`),
    vcs: 'git',
    noVcsSuffix: true,
  },
  {
    prefix: 'hub.jazz.net/git',
    regexp: new RegExp(`^(?<root>hub\\.jazz\\.net/git/[a-z0-9]+/${ELEM})(/${ELEM})*$`),
    vcs: 'git',
    noVcsSuffix: true,
  },
  {
    prefix: 'git.apache.org',
    regexp: new RegExp(`^(?<root>git\\.apache\\.org/[a-z0-9_.\\-]+\\.git)(/${ELEM})*$`),
    vcs: 'git',
  },
  {
    prefix: 'git.openstack.org',
    regexp: new RegExp(`^(?<root>git\\.openstack\\.org/${ELEM}/${ELEM})(\\.git)?(/${ELEM})*$`),
    vcs: 'git',
  },
  {
    prefix: 'chiselapp.com',
    regexp: new RegExp(`^(?<root>chiselapp\\.com/user/[A-Za-z0-9]+/repository/${ELEM})$`),
    vcs: 'fossil',
  },
  {
    // General syntax for any server; must be last. Go's pattern is unanchored at the start;
    // anchoring changes nothing for valid module paths (lower-case host first).
    prefix: '',
    regexp:
      /^(?<root>(?<repo>([a-z0-9.-]+\.)+[a-z0-9.-]+(:[0-9]+)?(\/~?[A-Za-z0-9_.-]+)+?)\.(?<vcs>bzr|fossil|git|hg|svn))(\/~?[A-Za-z0-9_.-]+)*$/,
  },
];

/**
 * The repository for `path` from the static table, or null when the path needs dynamic
 * (`?go-get=1`) discovery. Throws ModgateError `not-found` when a known host's rule refuses
 * the path.
 */
export function staticRepoRoot(path: string): StaticRepoRoot | null {
  for (const scheme of ['http:', 'https:']) {
    if (path.startsWith(scheme)) {
      throw new ModgateError('not-found', `"${scheme}//" not allowed in import path`);
    }
  }
  for (const srv of VCS_PATHS) {
    if (!hasPathPrefix(path, srv.prefix)) continue;
    const m = srv.regexp.exec(path);
    if (m === null) {
      if (srv.prefix !== '') {
        throw new ModgateError(
          'not-found',
          `invalid ${srv.prefix} import path ${JSON.stringify(path)}`,
        );
      }
      continue;
    }
    const root = m.groups?.root ?? '';
    const vcs = srv.vcs ?? m.groups?.vcs ?? '';
    if (srv.prefix === '') {
      const repo = m.groups?.repo ?? '';
      return { root, vcs, repoUrl: `https://${repo}`, schemelessRepo: repo };
    }
    const repoUrl = `https://${root}`;
    if (srv.noVcsSuffix && KNOWN_VCS.some((v) => repoUrl.endsWith(`.${v}`))) {
      throw new ModgateError('not-found', `invalid version control suffix in ${srv.prefix}/ path`);
    }
    return { root, vcs, repoUrl };
  }
  return null;
}
