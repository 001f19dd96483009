/**
 * The precondition of every zip operation (x/mod/zip Create, CheckZip, Unzip): the version
 * is canonical and `module.Check(path, version)` passes — valid module path, valid semver,
 * major version matching the path's suffix. Throws `ModgateError('invalid')` with Go's text.
 */
import { invalid } from '../errors/index.js';
import { canonicalVersion, check, goQuote } from '../module/index.js';

export function checkModuleVersion(modulePath: string, version: string): void {
  const canonical = canonicalVersion(version);
  if (canonical !== version) {
    throw invalid(`version ${goQuote(version)} is not canonical (should be ${goQuote(canonical)})`);
  }
  check(modulePath, version);
}
