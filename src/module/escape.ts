/**
 * Case escaping for file systems and URLs that fold case (x/mod/module EscapePath,
 * EscapeVersion, UnescapePath, UnescapeVersion): every upper-case ASCII letter becomes `!`
 * plus its lower-case form, so `github.com/Azure` is served as `github.com/!azure`. This is
 * the form in GOPROXY URLs and in the module cache / storage layout.
 *
 * Unescaping is strict: raw upper case, non-ASCII, a `!` not followed by `a`–`z`, or a
 * result that is not a valid path/version are all rejected, so each path has exactly one
 * escaped form and a request can never name something escapePath would not produce.
 */
import { invalid } from '../errors/index.js';
import { elementProblem, modulePathProblem } from './check-path.js';
import { goQuote } from './go-quote.js';

/** The escaped form of module path `path`; throws invalid if it is not a module path. */
export function escapePath(path: string): string {
  const problem = modulePathProblem(path);
  if (problem !== undefined) {
    throw invalid(`malformed module path ${goQuote(path)}: ${problem}`);
  }
  return escapeString(path);
}

/**
 * The escaped form of version `v`. Any valid file-name element without `!` is accepted (not
 * only semantic versions: `HEAD` → `!h!e!a!d`, as queries may name branches).
 */
export function escapeVersion(v: string): string {
  if (elementProblem(v, 'file') !== undefined || v.includes('!') || !/^[\x00-\x7f]*$/.test(v)) {
    throw invalid(`version ${goQuote(v)} invalid: disallowed version string`);
  }
  return escapeString(v);
}

/** The module path that `escaped` stands for; throws invalid on any malformed input. */
export function unescapePath(escaped: string): string {
  const path = unescapeString(escaped);
  if (path === undefined) throw invalid(`invalid escaped module path ${goQuote(escaped)}`);
  const problem = modulePathProblem(path);
  if (problem !== undefined) {
    throw invalid(
      `invalid escaped module path ${goQuote(escaped)}: malformed module path ${goQuote(path)}: ${problem}`,
    );
  }
  return path;
}

/** The version that `escaped` stands for; throws invalid on any malformed input. */
export function unescapeVersion(escaped: string): string {
  const v = unescapeString(escaped);
  if (v === undefined) throw invalid(`invalid escaped version ${goQuote(escaped)}`);
  const problem = elementProblem(v, 'file');
  if (problem !== undefined) throw invalid(`invalid escaped version ${goQuote(v)}: ${problem}`);
  return v;
}

/** Callers have checked that `s` is ASCII without `!`. */
function escapeString(s: string): string {
  return s.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase());
}

function unescapeString(escaped: string): string | undefined {
  if (!/^(?:[\x00-\x20\x22-\x40\x5b-\x7f]|![a-z])*$/.test(escaped)) return undefined;
  return escaped.replace(/!([a-z])/g, (_m, c: string) => c.toUpperCase());
}
