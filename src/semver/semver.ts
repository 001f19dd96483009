/**
 * Go's semantic versions (golang.org/x/mod/semver), which differ from npm's: the leading `v`
 * is mandatory, `vX` and `vX.Y` are valid shorthands for `vX.0.0` and `vX.Y.0`, and numbers
 * of any length compare as strings (by length, then bytes), never as doubles.
 *
 * Every function accepts any string; invalid input gives `""` (or `false`), and compares
 * lower than every valid version.
 */
import { isNumeric, parseSemver } from './parse-semver.js';

/** Whether `v` is a valid Go semantic version. */
export function isValid(v: string): boolean {
  return parseSemver(v) !== undefined;
}

/**
 * The canonical form of `v`: short forms padded with `.0`, build metadata dropped; `""` if
 * invalid. Two versions compare equal iff their canonical forms are identical.
 */
export function canonical(v: string): string {
  const p = parseSemver(v);
  if (p === undefined) return '';
  if (p.build !== '') return v.slice(0, v.length - p.build.length);
  return v + p.short;
}

/** `vX` for a valid `v` (e.g. `v2` for `v2.1.0`), else `""`. */
export function major(v: string): string {
  const p = parseSemver(v);
  return p === undefined ? '' : v.slice(0, 1 + p.major.length);
}

/** `vX.Y` for a valid `v` (e.g. `v2.1` for `v2.1.0`, `v1.0` for `v1`), else `""`. */
export function majorMinor(v: string): string {
  const p = parseSemver(v);
  if (p === undefined) return '';
  const i = 1 + p.major.length;
  if (p.short === '.0.0') return `${v.slice(0, i)}.${p.minor}`;
  return v.slice(0, i + 1 + p.minor.length);
}

/** The prerelease suffix including its `-` (e.g. `-pre` for `v2.1.0-pre+meta`), else `""`. */
export function prerelease(v: string): string {
  return parseSemver(v)?.prerelease ?? '';
}

/** The build suffix including its `+` (e.g. `+meta` for `v2.1.0+meta`), else `""`. */
export function build(v: string): string {
  return parseSemver(v)?.build ?? '';
}

/**
 * Semantic version precedence: -1 if a < b, 0 if equal, +1 if a > b. Build metadata is
 * ignored; invalid versions are equal to each other and lower than any valid one.
 */
export function compare(a: string, b: string): -1 | 0 | 1 {
  const pa = parseSemver(a);
  const pb = parseSemver(b);
  if (pa === undefined) return pb === undefined ? 0 : -1;
  if (pb === undefined) return 1;
  return (
    compareNumbers(pa.major, pb.major) ||
    compareNumbers(pa.minor, pb.minor) ||
    compareNumbers(pa.patch, pb.patch) ||
    comparePrerelease(pa.prerelease, pb.prerelease)
  );
}

/**
 * The greater of the canonical forms of `a` and `b` (the second on a tie), like Go's
 * deprecated semver.Max: note that the result is canonicalized.
 */
export function max(a: string, b: string): string {
  const ca = canonical(a);
  const cb = canonical(b);
  return compare(ca, cb) > 0 ? ca : cb;
}

/** A new array sorted by `compare`, ties broken by plain string order (semver.Sort). */
export function sort(list: readonly string[]): string[] {
  return [...list].sort(byVersion);
}

/** The comparator behind `sort`, for use with Array.prototype.sort. */
export function byVersion(a: string, b: string): number {
  return compare(a, b) || compareStrings(a, b);
}

/** Byte-order comparison for ASCII strings (versions are ASCII when valid). */
function compareStrings(a: string, b: string): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Decimal strings without leading zeros: the longer is larger, else compare bytes. */
function compareNumbers(x: string, y: string): -1 | 0 | 1 {
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return compareStrings(x, y);
}

/**
 * SemVer 2.0.0 §11: no prerelease ranks above any prerelease; identifiers compare left to
 * right, numeric ones numerically and below alphanumeric ones, alphanumeric ones in ASCII
 * order; with all shared identifiers equal, more identifiers rank higher.
 */
function comparePrerelease(x: string, y: string): -1 | 0 | 1 {
  if (x === y) return 0;
  if (x === '') return 1;
  if (y === '') return -1;
  const xs = x.slice(1).split('.');
  const ys = y.slice(1).split('.');
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const dx = xs[i] ?? '';
    const dy = ys[i] ?? '';
    if (dx === dy) continue;
    const nx = isNumeric(dx);
    const ny = isNumeric(dy);
    if (nx !== ny) return nx ? -1 : 1;
    if (nx) return compareNumbers(dx, dy);
    return compareStrings(dx, dy);
  }
  return xs.length < ys.length ? -1 : xs.length > ys.length ? 1 : 0;
}
