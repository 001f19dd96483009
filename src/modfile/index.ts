/**
 * The subset of go.mod a module proxy needs. Ported from golang.org/x/mod/modfile (read.go,
 * rule.go) — see https://go.dev/ref/mod#go-mod-file and
 * https://cs.opensource.google/go/x/mod/+/master:modfile/.
 */
export { modulePath } from './module-path.js';
export { goUnquote } from './go-unquote.js';
export { isGoPrint, isGoSpace, trimGoSpace } from './go-unicode.js';
