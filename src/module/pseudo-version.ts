/**
 * Pseudo-versions (x/mod/module/pseudo.go; https://go.dev/ref/mod#pseudo-versions): versions
 * that name a commit rather than a tag, `<base>-<yyyymmddhhmmss>-<rev>` in one of three forms:
 *
 *   vX.0.0-TIMESTAMP-REV              no earlier tag (X from the path's major suffix)
 *   vX.Y.(Z+1)-0.TIMESTAMP-REV        after release vX.Y.Z
 *   vX.Y.Z-PRE.0.TIMESTAMP-REV        after prerelease vX.Y.Z-PRE
 *
 * each optionally followed by `+incompatible` when the base was. TIMESTAMP is the commit time
 * in UTC; REV is the 12-character revision prefix.
 */
import { invalid } from '../errors/index.js';
import { build, canonical, isValid, major, prerelease } from '../semver/index.js';
import { decDecimal, incDecimal } from './decimal-string.js';
import { goQuote } from './go-quote.js';
import { utcTime } from './utc-time.js';

const pseudoVersionRE =
  /^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** Go's zero time (0001-01-01T00:00:00Z), the timestamp of zeroPseudoVersion. */
const zeroTime = new Date('0001-01-01T00:00:00Z');

/**
 * The pseudo-version for revision `rev` committed at `time`, after tag `older` (`` for none;
 * its build suffix, e.g. `+incompatible`, is kept) in a module of major version `major`
 * (`` means v0; only used when there is no `older`).
 */
export function pseudoVersion(major: string, older: string, time: Date, rev: string): string {
  const segment = `${formatTimestamp(time)}-${rev}`;
  const buildSuffix = build(older);
  const base = canonical(older);
  if (base === '') return `${major || 'v0'}.0.0-${segment}`;
  if (prerelease(base) !== '') return `${base}.0.${segment}${buildSuffix}`;
  const i = base.lastIndexOf('.') + 1;
  return `${base.slice(0, i)}${incDecimal(base.slice(i))}-0.${segment}${buildSuffix}`;
}

/** `vX.0.0-00010101000000-000000000000`: the placeholder version for an unknown commit. */
export function zeroPseudoVersion(major: string): string {
  return pseudoVersion(major, '', zeroTime, '000000000000');
}

/** Whether `v` has the syntax of a pseudo-version. */
export function isPseudoVersion(v: string): boolean {
  return countDashes(v) >= 2 && isValid(v) && pseudoVersionRE.test(v);
}

/** Whether `v` is the zero pseudo-version of its major version. */
export function isZeroPseudoVersion(v: string): boolean {
  return v === zeroPseudoVersion(major(v));
}

/** The commit time encoded in pseudo-version `v`; throws invalid if malformed. */
export function pseudoVersionTime(v: string): Date {
  const { timestamp } = parsePseudoVersion(v);
  const t = parseTimestamp(timestamp);
  if (t === undefined) throw pseudoError(v, `malformed time ${goQuote(timestamp)}`);
  return t;
}

/** The revision identifier of pseudo-version `v`; throws invalid if malformed. */
export function pseudoVersionRev(v: string): string {
  return parsePseudoVersion(v).rev;
}

/**
 * The tag `v` was derived from (`v1.2.4-0.…` → `v1.2.3`, `v1.2.3-pre.0.…` → `v1.2.3-pre`,
 * build suffix kept), or `` for the no-tag form. Throws invalid if `v` is not a
 * pseudo-version, if the no-tag form carries build metadata, or if the base would have a
 * negative patch number (`v1.0.0-0.…`).
 */
export function pseudoVersionBase(v: string): string {
  const parsed = parsePseudoVersion(v);
  let base = parsed.base;
  const pre = prerelease(base);
  if (pre === '') {
    if (parsed.build !== '') {
      throw pseudoError(v, `lacks base version, but has build metadata ${goQuote(parsed.build)}`);
    }
    return '';
  }
  if (pre === '-0') {
    base = base.slice(0, -pre.length);
    const i = base.lastIndexOf('.');
    const patch = decDecimal(base.slice(i + 1));
    if (patch === '') {
      throw pseudoError(v, `version before ${base} would have negative patch number`);
    }
    return base.slice(0, i + 1) + patch + parsed.build;
  }
  // The regexp guarantees `.0` before the timestamp.
  return base.slice(0, -'.0'.length) + parsed.build;
}

interface ParsedPseudoVersion {
  /** `vX.0.0`, `vX.Y.(Z+1)-0` or `vX.Y.Z-PRE.0`. */
  readonly base: string;
  readonly timestamp: string;
  readonly rev: string;
  readonly build: string;
}

function parsePseudoVersion(v: string): ParsedPseudoVersion {
  if (!isPseudoVersion(v)) throw pseudoError(v, 'syntax error');
  const buildSuffix = build(v);
  const rest = v.slice(0, v.length - buildSuffix.length);
  const j = rest.lastIndexOf('-');
  const head = rest.slice(0, j);
  const rev = rest.slice(j + 1);
  const dash = head.lastIndexOf('-');
  const dot = head.lastIndexOf('.');
  if (dot > dash) {
    return { base: head.slice(0, dot), timestamp: head.slice(dot + 1), rev, build: buildSuffix };
  }
  return { base: head.slice(0, dash), timestamp: head.slice(dash + 1), rev, build: buildSuffix };
}

function pseudoError(v: string, reason: string): Error {
  return invalid(`pseudo-version ${goQuote(v)} invalid: ${reason}`);
}

function countDashes(v: string): number {
  let n = 0;
  for (const ch of v) if (ch === '-') n++;
  return n;
}

/** Go layout `20060102150405` in UTC; sub-second precision is truncated. */
export function formatTimestamp(t: Date): string {
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  return (
    pad(t.getUTCFullYear(), 4) +
    pad(t.getUTCMonth() + 1, 2) +
    pad(t.getUTCDate(), 2) +
    pad(t.getUTCHours(), 2) +
    pad(t.getUTCMinutes(), 2) +
    pad(t.getUTCSeconds(), 2)
  );
}

/**
 * Parses a 14-digit `yyyymmddhhmmss` UTC timestamp with Go's strictness (month 1–12, a day
 * that exists in that month, hour < 24, minute and second < 60), or undefined.
 */
export function parseTimestamp(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return utcTime(year, month, day, hour, minute, second);
}
