/**
 * module.Check: whether `version` may be a version of module `path` — a valid module path,
 * a valid semantic version, and a major version that matches the path's suffix.
 */
import { invalid } from '../errors/index.js';
import { isValid } from '../semver/index.js';
import { checkPath } from './check-path.js';
import { pathMajorProblem, splitPathVersion } from './split-path-version.js';

/**
 * Throws invalid with Go's ModuleError text, e.g.
 * `rsc.io/quote@v17.0.0: invalid version: should be v0 or v1, not v17`.
 */
export function check(path: string, version: string): void {
  checkPath(path);
  if (!isValid(version)) {
    throw invalid(`${path}@${version}: invalid version: not a semantic version`);
  }
  const problem = pathMajorProblem(version, splitPathVersion(path).pathMajor);
  if (problem !== undefined) throw invalid(`${path}@${version}: invalid version: ${problem}`);
}
