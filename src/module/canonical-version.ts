/**
 * module.CanonicalVersion: semver's canonical form, except that a `+incompatible` build
 * suffix is kept — it is the only build metadata allowed in a module version. A version is
 * acceptable in `.info`/`.mod`/`.zip` requests, zip prefixes and go.sum lines only if
 * `canonicalVersion(v) === v`.
 */
import { build, canonical } from '../semver/index.js';

/** The canonical module version for `v`, or `` if `v` is not a valid semantic version. */
export function canonicalVersion(v: string): string {
  const cv = canonical(v);
  return build(v) === '+incompatible' ? cv + '+incompatible' : cv;
}
