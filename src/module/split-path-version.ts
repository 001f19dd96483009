/**
 * Major-version suffixes of module paths (x/mod/module SplitPathVersion, CheckPathMajor,
 * PathMajorPrefix, MatchPathMajor): `example.com/m/v2` carries `/v2`, `gopkg.in/yaml.v3`
 * carries `.v3` (optionally `.v3-unstable`). Versions v0 and v1 have no suffix, except on
 * gopkg.in where the suffix is mandatory.
 */
import { invalid } from '../errors/index.js';
import { build, major } from '../semver/index.js';
import { goQuote } from './go-quote.js';

export interface SplitPathVersion {
  /** The path without its major-version suffix. */
  readonly prefix: string;
  /** `/vN`, `.vN`, `.vN-unstable`, or `` (prefix + pathMajor is always the input). */
  readonly pathMajor: string;
  /** False when the suffix is malformed (`/v0`, `/v1`, `/v2.0`, `/v02`, gopkg.in without). */
  readonly ok: boolean;
}

/** Splits `path` into prefix and major-version suffix; `ok` reports a well-formed suffix. */
export function splitPathVersion(path: string): SplitPathVersion {
  if (path.startsWith('gopkg.in/')) return splitGopkgIn(path);
  let i = path.length;
  let dot = false;
  // Back over the trailing digits and dots (char codes: this runs for every path checked).
  for (let c = path.charCodeAt(i - 1); i > 0 && ((c >= 48 && c <= 57) || c === 46);) {
    if (c === 46) dot = true;
    i--;
    c = path.charCodeAt(i - 1);
  }
  if (i <= 1 || i === path.length || path[i - 1] !== 'v' || path[i - 2] !== '/') {
    return { prefix: path, pathMajor: '', ok: true };
  }
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (dot || pathMajor.length <= 2 || pathMajor[2] === '0' || pathMajor === '/v1') {
    return { prefix: path, pathMajor: '', ok: false };
  }
  return { prefix, pathMajor, ok: true };
}

function splitGopkgIn(path: string): SplitPathVersion {
  let i = path.length;
  if (path.endsWith('-unstable')) i -= '-unstable'.length;
  while (i > 0 && /[0-9]/.test(path[i - 1] ?? '')) i--;
  if (i <= 1 || path[i - 1] !== 'v' || path[i - 2] !== '.') {
    return { prefix: path, pathMajor: '', ok: false };
  }
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (pathMajor.length <= 2 || (pathMajor[2] === '0' && pathMajor !== '.v0')) {
    return { prefix: path, pathMajor: '', ok: false };
  }
  return { prefix, pathMajor, ok: true };
}

/**
 * Why version `v` cannot belong to a module whose path has suffix `pathMajor`, or undefined.
 * No suffix allows v0, v1 and any `+incompatible`; `/vN` and `.vN` require major vN; `.v1`
 * also accepts legacy `v0.0.0-` pseudo-versions (old gopkg.in requirements).
 */
export function pathMajorProblem(v: string, pathMajor: string): string | undefined {
  let pm = pathMajor;
  if (pm.startsWith('.v') && pm.endsWith('-unstable')) pm = pm.slice(0, -'-unstable'.length);
  if (v.startsWith('v0.0.0-') && pm === '.v1') return undefined;
  const m = major(v);
  let want = pm;
  if (pm === '') {
    if (m === 'v0' || m === 'v1' || build(v) === '+incompatible') return undefined;
    want = 'v0 or v1';
  } else if (pm[0] === '/' || pm[0] === '.') {
    if (m === pm.slice(1)) return undefined;
    want = pm.slice(1);
  }
  return `should be ${want}, not ${m}`;
}

/**
 * Throws invalid unless `v` suits `pathMajor`. Message as Go's InvalidVersionError:
 * `version "v2.0.0" invalid: should be v0 or v1, not v2`.
 */
export function checkPathMajor(v: string, pathMajor: string): void {
  const problem = pathMajorProblem(v, pathMajor);
  if (problem !== undefined) throw invalid(`version ${goQuote(v)} invalid: ${problem}`);
}

/** Whether `v` suits `pathMajor` (checkPathMajor without the exception). */
export function matchPathMajor(v: string, pathMajor: string): boolean {
  return pathMajorProblem(v, pathMajor) === undefined;
}

/**
 * The major version `vN` a suffix stands for (`/v2` → `v2`, `.v1-unstable` → `v1`), or ``
 * for no suffix. Throws invalid for a suffix splitPathVersion would not produce (Go panics).
 */
export function pathMajorPrefix(pathMajor: string): string {
  if (pathMajor === '') return '';
  if (pathMajor[0] !== '/' && pathMajor[0] !== '.') {
    throw invalid(`pathMajor suffix ${pathMajor} lacks separator`);
  }
  let pm = pathMajor;
  if (pm.startsWith('.v') && pm.endsWith('-unstable')) pm = pm.slice(0, -'-unstable'.length);
  const m = pm.slice(1);
  if (m !== major(m)) {
    throw invalid(`pathMajor suffix ${pathMajor} is not a valid major version`);
  }
  return m;
}

/**
 * Whether the versions allowed for module path `mpath` agree with suffix `pathMajor`: no
 * suffix accepts v0/v1 paths (gopkg.in `.v0`/`.v1` included); a suffix needs a path with the
 * same major, separator aside (`/v2` ≡ `.v2`).
 */
export function isMajor(mpath: string, pathMajor: string): boolean {
  if (mpath === '') return false;
  const split = splitPathVersion(mpath);
  if (!split.ok) return false;
  if (pathMajor === '') {
    const m = pathMajorPrefix(split.pathMajor);
    return m === '' || m === 'v0' || m === 'v1';
  }
  if (split.pathMajor === '') return false;
  return pathMajor.slice(1) === split.pathMajor.slice(1);
}
