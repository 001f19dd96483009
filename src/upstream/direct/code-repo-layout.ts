/**
 * Where a module lives inside its repository (cmd/go modfetch.newCodeRepo): given the module
 * path M and the path R of the repository root (from go-get discovery),
 *
 * - M must be R or below it;
 * - `pathMajor` is M's major-version suffix (`/v2`, `.v2` on gopkg.in, or ``), and
 *   `pathPrefix` is M without it — or all of M when R === M (a go-import naming the full `/v2`
 *   path, and every gopkg.in path, keep the suffix inside the repository name);
 * - `codeDir` is pathPrefix below R (`` for the root): the directory holding the module, or
 *   holding its `vN/` major subdirectory;
 * - tags of the module carry the prefix `codeDir/` (never the `vN/`): module
 *   `example.com/repo/sub/v2` is tagged `sub/v2.1.0`;
 * - pseudo-versions without a base tag use the path's major version (`v2.0.0-…`, `v0.0.0-…`).
 */
import { ModgateError } from '../../errors/index.js';
import { goQuote, hasPathPrefix, pathMajorPrefix, splitPathVersion } from '../../module/index.js';

export interface CodeRepoLayout {
  readonly modulePath: string;
  /** The import path of the repository root. */
  readonly codeRoot: string;
  /** The module's directory in the repository (`` for the root), without any `vN`. */
  readonly codeDir: string;
  /** The module path without its major-version suffix (all of it when codeRoot === path). */
  readonly pathPrefix: string;
  /** `/vN`, `.vN`, `.vN-unstable` or ``. */
  readonly pathMajor: string;
  /** The major version for base-less pseudo-versions (`v2`), `` meaning v0. */
  readonly pseudoMajor: string;
  /** `codeDir/` or ``: the prefix of this module's tags. */
  readonly tagPrefix: string;
}

/**
 * The layout for module `modulePath` in the repository rooted at `codeRoot`. Throws
 * `not-found` with Go's wording when the module cannot be in that repository.
 */
export function codeRepoLayout(modulePath: string, codeRoot: string): CodeRepoLayout {
  // cmd/go's coderepo.go: an empty root is a path prefix of nothing.
  if (codeRoot === '' || !hasPathPrefix(modulePath, codeRoot)) {
    throw new ModgateError('not-found', `mismatched repo: found ${codeRoot} for ${modulePath}`);
  }
  const split = splitPathVersion(modulePath);
  if (!split.ok) {
    throw new ModgateError('not-found', `invalid module path ${goQuote(modulePath)}`);
  }
  const pathPrefix = codeRoot === modulePath ? modulePath : split.prefix;
  let codeDir = '';
  if (codeRoot !== modulePath) {
    if (!hasPathPrefix(pathPrefix, codeRoot)) {
      throw new ModgateError(
        'not-found',
        `repository rooted at ${codeRoot} cannot contain module ${modulePath}`,
      );
    }
    codeDir = trimSlashes(pathPrefix.slice(codeRoot.length));
  }
  return {
    modulePath,
    codeRoot,
    codeDir,
    pathPrefix,
    pathMajor: split.pathMajor,
    pseudoMajor: pathMajorPrefix(split.pathMajor),
    tagPrefix: codeDir === '' ? '' : codeDir + '/',
  };
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}
