/**
 * The one parser behind every function in this folder: it splits a Go semantic version into
 * its parts, or reports it invalid. Grammar (golang.org/x/mod/semver):
 *
 *   v MAJOR [ . MINOR [ . PATCH [ -PRERELEASE ] [ +BUILD ] ] ]
 *
 * Numbers are decimal strings without leading zeros, kept as strings because they may be
 * arbitrarily long. The short forms `vX` and `vX.Y` cannot carry a prerelease or build.
 */
export interface ParsedSemver {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  /** The padding a short form needs to become `vX.Y.Z` (`.0.0`, `.0` or ``). */
  readonly short: string;
  /** Including the leading `-`, or ``. */
  readonly prerelease: string;
  /** Including the leading `+`, or ``. */
  readonly build: string;
}

/** Parses `v`, returning undefined if it is not a valid Go semantic version. */
export function parseSemver(v: string): ParsedSemver | undefined {
  if (v.length === 0 || v[0] !== 'v') return undefined;
  const major = parseNumber(v, 1);
  if (major === undefined) return undefined;
  let i = 1 + major.length;
  if (i === v.length) {
    return { major, minor: '0', patch: '0', short: '.0.0', prerelease: '', build: '' };
  }
  if (v[i] !== '.') return undefined;
  const minor = parseNumber(v, i + 1);
  if (minor === undefined) return undefined;
  i += 1 + minor.length;
  if (i === v.length) {
    return { major, minor, patch: '0', short: '.0', prerelease: '', build: '' };
  }
  if (v[i] !== '.') return undefined;
  const patch = parseNumber(v, i + 1);
  if (patch === undefined) return undefined;
  i += 1 + patch.length;
  let prerelease = '';
  if (v[i] === '-') {
    const end = scanIdentifiers(v, i, true);
    if (end === undefined) return undefined;
    prerelease = v.slice(i, end);
    i = end;
  }
  let build = '';
  if (v[i] === '+') {
    const end = scanIdentifiers(v, i, false);
    if (end === undefined) return undefined;
    build = v.slice(i, end);
    i = end;
  }
  if (i !== v.length) return undefined;
  return { major, minor, patch, short: '', prerelease, build };
}

/** A decimal number starting at `start`: at least one digit, no leading zero unless `0`. */
function parseNumber(v: string, start: number): string | undefined {
  let i = start;
  while (i < v.length && isDigit(v.charCodeAt(i))) i++;
  if (i === start) return undefined;
  if (v[start] === '0' && i !== start + 1) return undefined;
  return v.slice(start, i);
}

/**
 * Scans `-a.b.c` (prerelease, stopping at `+`) or `+a.b.c` (build, running to the end) from
 * `start`, which holds the sign. Identifiers are non-empty runs of `[0-9A-Za-z-]`; in a
 * prerelease a purely numeric identifier may not have a leading zero. Returns the end index.
 */
function scanIdentifiers(v: string, start: number, isPrerelease: boolean): number | undefined {
  let i = start + 1;
  let identStart = i;
  for (; i < v.length && !(isPrerelease && v[i] === '+'); i++) {
    const c = v.charCodeAt(i);
    if (c === 0x2e /* . */) {
      if (identStart === i) return undefined;
      if (isPrerelease && isBadNumber(v.slice(identStart, i))) return undefined;
      identStart = i + 1;
    } else if (!isIdentChar(c)) {
      return undefined;
    }
  }
  if (identStart === i) return undefined;
  if (isPrerelease && isBadNumber(v.slice(identStart, i))) return undefined;
  return i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isIdentChar(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d; /* - */
}

/** Purely numeric with a leading zero (and more than one digit). */
function isBadNumber(ident: string): boolean {
  return ident.length > 1 && ident[0] === '0' && isNumeric(ident);
}

/** True for a purely numeric identifier (and for the empty string, as in Go). */
export function isNumeric(ident: string): boolean {
  for (let i = 0; i < ident.length; i++) if (!isDigit(ident.charCodeAt(i))) return false;
  return true;
}
