/**
 * Go toolchain/language versions as the `go` directive uses them (go/version, internal/gover):
 * `1.21` is a language version, lower than `1.21rc1`, lower than `1.21.0`. Needed by the zip
 * rules, whose treatment of vendor directories changed for modules declaring `go 1.24`.
 */
import { parseGoMod } from './parse-go-mod.js';

interface GoVersion {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly kind: string;
  readonly pre: string;
}

const zero: GoVersion = { major: '', minor: '', patch: '', kind: '', pre: '' };

/** internal/gover parse of `1`, `1.21`, `1.21.3`, `1.21rc1`; zero for anything else. */
function parseGoVersion(x: string): GoVersion {
  const m =
    /^(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*)|([a-z]+)(0|[1-9][0-9]*)?)?)?$/.exec(
      x,
    );
  if (m === null) return zero;
  return {
    major: m[1] ?? '',
    minor: m[2] ?? '',
    patch: m[3] ?? '',
    kind: m[4] ?? '',
    pre: m[5] ?? '',
  };
}

/**
 * The language version of a toolchain version: `go1.24.3` → `go1.24`, `go1.21rc1` → `go1.21`,
 * `go1.0` → `go1`; `` if `x` is not a valid `go`-prefixed version (go/version.Lang).
 */
export function goLang(x: string): string {
  if (!x.startsWith('go')) return '';
  const v = parseGoVersion(x.slice(2));
  if (v.major === '') return '';
  if (v.minor === '' || (v.major === '1' && v.minor === '0')) return `go${v.major}`;
  return `go${v.major}.${v.minor}`;
}

/**
 * Compares `go`-prefixed versions (go/version.Compare): -1, 0 or +1. Invalid versions,
 * including ``, are equal to each other and lower than all valid ones.
 */
export function compareGoVersions(a: string, b: string): -1 | 0 | 1 {
  const x = a.startsWith('go') ? parseGoVersion(a.slice(2)) : zero;
  const y = b.startsWith('go') ? parseGoVersion(b.slice(2)) : zero;
  return (
    compareInt(x.major, y.major) ||
    compareInt(x.minor, y.minor) ||
    compareInt(x.patch, y.patch) ||
    compareKind(x.kind, y.kind) ||
    compareInt(x.pre, y.pre)
  );
}

/** Decimal strings, `` lowest: by length, then bytes. */
function compareInt(x: string, y: string): -1 | 0 | 1 {
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Release kinds: `` (language version or release) < alpha < beta < rc, by string. */
function compareKind(x: string, y: string): -1 | 0 | 1 {
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The language version declared by go.mod text — `go 1.24.3` gives `go1.24` — or `` if the
 * file has no `go` directive or does not parse (x/mod/zip parseGoVers + version.Lang).
 */
export function goLanguageVersion(data: Buffer | string): string {
  try {
    const f = parseGoMod(data);
    return f.go === undefined ? '' : goLang('go' + f.go);
  } catch {
    return '';
  }
}
