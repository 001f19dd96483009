/**
 * Version ranges over Go semantic versions, for block lists (`deny[].versions`). The syntax:
 *
 *   range      = "" | "*" | alternative { "||" alternative }
 *   alternative = comparator { " " comparator }        (all must hold)
 *   comparator = [ "<" | "<=" | ">" | ">=" | "=" ] version
 *
 * `""` and `*` match every version; a bare version means `=`. Versions are Go semantic
 * versions (`v1.2.3`, shorthands `v1` / `v1.2` mean `v1.0.0` / `v1.2.0`), compared exactly as
 * the go command compares them (semver.Compare): pre-releases (pseudo-versions included) sort
 * below their release (`<v1.2.3` holds for `v1.2.3-rc.1` and `v1.2.3-0.2023…-abcdef`), build
 * metadata is ignored, so `+incompatible` versions compare as their numbers
 * (`v2.0.0+incompatible` is `=v2.0.0`, and `<v3` holds for it). A version that is not valid
 * Go semver matches no range except `""` / `*`.
 *
 * Pure; `parseVersionRange` throws Error with a message naming the bad part.
 */
import { compare, isValid } from './semver.js';

export type RangeOperator = '<' | '<=' | '>' | '>=' | '=';

export interface Comparator {
  readonly op: RangeOperator;
  readonly version: string;
}

export interface VersionRange {
  /** The range as written (trimmed). */
  readonly text: string;
  /** Alternatives (OR) of comparators (AND); empty: every version. */
  readonly alternatives: readonly (readonly Comparator[])[];
}

const COMPARATOR = /^(<=|>=|<|>|=)?(.*)$/;

/** Parses a range; throws Error (`bad version range "…": …`) when it is malformed. */
export function parseVersionRange(text: string): VersionRange {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '*') return { text: trimmed, alternatives: [] };
  const fail = (why: string): never => {
    throw new Error(`bad version range ${JSON.stringify(trimmed)}: ${why}`);
  };
  const alternatives = trimmed.split('||').map((alt) => {
    const words = alt.trim().split(/\s+/);
    if (words.length === 1 && words[0] === '')
      fail('empty alternative around "||" (write "*" for every version)');
    return words.map((word): Comparator => {
      const m = COMPARATOR.exec(word);
      const op = (m?.[1] ?? '=') as RangeOperator;
      const version = m?.[2] ?? '';
      if (version === '') fail(`"${word}" has an operator but no version`);
      if (!isValid(version)) {
        fail(
          `"${version}" is not a Go semantic version (want e.g. v1.2.3, with the leading v; operators <, <=, >, >=, = are written without a space before the version)`,
        );
      }
      return { op, version };
    });
  });
  return { text: trimmed, alternatives };
}

/** Whether `version` is in `range` (see the syntax above). */
export function inVersionRange(range: VersionRange, version: string): boolean {
  if (range.alternatives.length === 0) return true;
  if (!isValid(version)) return false;
  return range.alternatives.some((alt) => alt.every((c) => holds(c, version)));
}

function holds(c: Comparator, version: string): boolean {
  const order = compare(version, c.version);
  switch (c.op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '=':
      return order === 0;
  }
}
