/**
 * The go.mod subset a proxy needs (golang.org/x/mod/modfile; https://go.dev/ref/mod#go-mod-file):
 *
 * - `modulePath`: the declared module path, found line by line and tolerant of everything
 *   else in the file (how the go command locates modules in a repository);
 * - `parseGoMod`: the `module` (with its `// Deprecated:` paragraph), `go`, `require` and
 *   `retract` directives of a dependency's go.mod, with ParseLax's tolerance for unknown
 *   directives and malformed retractions;
 * - `isRetracted` / `retractionsFor`: closed intervals `[low, high]` in semver order;
 * - `goLanguageVersion`, `goLang`, `compareGoVersions`: the `go` directive's language version
 *   (`go 1.24.3` → `go1.24`), which decides the zip vendor-directory rule.
 *
 * Syntax follows Go's: `//` comments only, quoted strings with Go escapes, `verb ( … )`
 * blocks; comments directly above (or beside) a directive belong to it.
 */
export { modulePath } from './module-path.js';
export { parseGoMod, type GoModFile } from './parse-go-mod.js';
export { isRetracted, retractionsFor, type Retraction } from './retraction.js';
export { compareGoVersions, goLang, goLanguageVersion } from './go-version.js';
