/**
 * Module paths and versions: the rules every GOPROXY request and every module zip must obey.
 * Ported from golang.org/x/mod/module (module.go, pseudo.go) — see the Go Modules Reference,
 * https://go.dev/ref/mod, and https://cs.opensource.google/go/x/mod/+/master:module/.
 *
 * - Paths (check-path): module, import and file paths are non-empty, valid UTF-8, with no
 *   `//`, no trailing `/`, no empty, all-dot or dot-ending elements, no Windows device names
 *   (`aux`, `com1.txt`), and — except file paths — no `name~1` short names. Module paths use
 *   `[-._~0-9A-Za-z]`, start with a dotted lower-case host name, and never start with `-` or
 *   an element with `.`; import paths add `+`; file paths allow more punctuation, space and
 *   Unicode letters.
 * - Major versions (split-path-version, check): v2+ modules end in `/vN` (`.vN` on gopkg.in)
 *   and a version must match its path's suffix; `+incompatible` lets v2+ versions live at a
 *   path without one.
 * - Escaping (escape): upper case is written `!` + lower case in URLs and on disk; unescaping
 *   rejects every form escaping would not produce.
 * - Canonical versions (canonical-version): semver canonical form, keeping `+incompatible`.
 * - Pseudo-versions (pseudo-version): `base-yyyymmddhhmmss-rev` names for untagged commits.
 * - Patterns (match-prefix-patterns, path-match): GOPRIVATE-style globs over path prefixes.
 * - Order (sort-versions): go.sum line order.
 * - Path prefixes (has-path-prefix): element-wise, as cmd/go's str.HasPathPrefix.
 *
 * Checks throw `ModgateError('invalid')` carrying Go's own error text.
 */
export {
  checkFilePath,
  checkImportPath,
  checkPath,
  isValidFilePath,
  isValidImportPath,
  isValidModulePath,
  type PathKind,
} from './check-path.js';
export {
  checkPathMajor,
  isMajor,
  matchPathMajor,
  pathMajorPrefix,
  splitPathVersion,
  type SplitPathVersion,
} from './split-path-version.js';
export { check } from './check.js';
export { escapePath, escapeVersion, unescapePath, unescapeVersion } from './escape.js';
export { canonicalVersion } from './canonical-version.js';
export {
  isPseudoVersion,
  isZeroPseudoVersion,
  pseudoVersion,
  pseudoVersionBase,
  pseudoVersionRev,
  pseudoVersionTime,
  zeroPseudoVersion,
} from './pseudo-version.js';
export { decDecimal, incDecimal } from './decimal-string.js';
export { matchPrefixPatterns } from './match-prefix-patterns.js';
export { pathMatch, type PathMatchResult } from './path-match.js';
export { compareModuleVersions, sortModuleVersions, type ModuleVersion } from './sort-versions.js';
export { goQuote } from './go-quote.js';
export { utcTime } from './utc-time.js';
export { hasPathPrefix } from './has-path-prefix.js';
