import { modulePathProblem } from '../../module/check-path.js';
import { unescapePath, unescapeVersion } from '../../module/index.js';
import { isValid } from '../../semver/index.js';
import { badRequest } from './api-problem.js';

/** A module (and maybe one of its versions) named in an API path. */
export interface ModuleTarget {
  path: string;
  version?: string | undefined;
}

/**
 * The module path (and version) of `modules/<module path>[/@v/<version>]`, given the part
 * after `modules/`. Paths are written unescaped (`github.com/Azure/x`, percent-encoding
 * allowed); the GOPROXY case-encoded form (`github.com/!azure/x`) is accepted too. A malformed
 * path or version is an ApiProblem 400 with Go's reason.
 */
export function moduleTarget(rest: string): ModuleTarget {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    throw badRequest(`malformed percent-encoding in ${JSON.stringify(rest)}`);
  }
  const at = decoded.indexOf('/@v/');
  const rawPath = at >= 0 ? decoded.slice(0, at) : decoded;
  const rawVersion = at >= 0 ? decoded.slice(at + 4) : undefined;
  const path = rawPath.includes('!') ? unescaped(() => unescapePath(rawPath)) : rawPath;
  const problem = modulePathProblem(path);
  if (problem !== undefined)
    throw badRequest(`malformed module path ${JSON.stringify(path)}: ${problem}`);
  if (rawVersion === undefined) return { path };
  const version = rawVersion.includes('!')
    ? unescaped(() => unescapeVersion(rawVersion))
    : rawVersion;
  if (!isValid(version)) throw badRequest(`malformed version ${JSON.stringify(version)}`);
  return { path, version };
}

function unescaped(f: () => string): string {
  try {
    return f();
  } catch (err) {
    throw badRequest(err instanceof Error ? err.message : String(err));
  }
}
