/**
 * Module, import and file path checks (x/mod/module CheckPath, CheckImportPath,
 * CheckFilePath). The three kinds share one element grammar and differ in their character
 * sets; module paths additionally constrain the first element and the major-version suffix.
 *
 * The throwing checks raise `ModgateError('invalid')` with Go's own message text, e.g.
 * `malformed module path "x": missing dot in first path element`. The `problem` functions
 * return that reason (without the `malformed … path` prefix) or undefined, for callers that
 * must not pay for an exception.
 */
import { invalid } from '../errors/index.js';
import { goQuote, goQuoteRune } from './go-quote.js';
import { splitPathVersion } from './split-path-version.js';

/** Which character set and rules apply to a path. */
export type PathKind = 'module' | 'import' | 'file';

/** Throws invalid unless `path` is a valid module path. */
export function checkPath(path: string): void {
  throwIf('module', path, modulePathProblem(path));
}

/** Throws invalid unless `path` is a valid import path (module set plus `+`). */
export function checkImportPath(path: string): void {
  throwIf('import', path, pathProblem(path, 'import'));
}

/** Throws invalid unless `path` is a valid file path inside a module (zip entries). */
export function checkFilePath(path: string): void {
  throwIf('file', path, pathProblem(path, 'file'));
}

export function isValidModulePath(path: string): boolean {
  return modulePathProblem(path) === undefined;
}

export function isValidImportPath(path: string): boolean {
  return pathProblem(path, 'import') === undefined;
}

export function isValidFilePath(path: string): boolean {
  return pathProblem(path, 'file') === undefined;
}

function throwIf(kind: PathKind, path: string, problem: string | undefined): void {
  if (problem !== undefined) {
    throw invalid(`malformed ${kind} path ${goQuote(path)}: ${problem}`);
  }
}

/**
 * Why `path` is not a module path, or undefined. Beyond the generic checks, the first element
 * must contain a dot, not start with `-`, and use only lower-case letters, digits, `-` and
 * `.` (it is a host name); and the major-version suffix must be well formed.
 */
export function modulePathProblem(path: string): string | undefined {
  const generic = pathProblem(path, 'module');
  if (generic !== undefined) return generic;
  let i = path.indexOf('/');
  if (i < 0) i = path.length;
  if (i === 0) return 'leading slash';
  const first = path.slice(0, i);
  if (!first.includes('.')) return 'missing dot in first path element';
  if (path[0] === '-') return 'leading dash in first path element';
  if (!FIRST_ELEMENT.test(first)) {
    for (const ch of first) {
      if (!isFirstElementChar(ch)) return `invalid char ${goQuoteRune(ch)} in first path element`;
    }
  }
  if (!splitPathVersion(path).ok) return 'invalid version';
  return undefined;
}

/** Why `path` fails the checks shared by all kinds, or undefined. */
export function pathProblem(path: string, kind: PathKind): string | undefined {
  if (!isWellFormed(path)) return 'invalid UTF-8';
  if (path === '') return 'empty string';
  if (path[0] === '-' && kind !== 'file') return 'leading dash';
  if (path.includes('//')) return 'double slash';
  if (path.endsWith('/')) return 'trailing slash';
  for (const elem of path.split('/')) {
    const problem = elementProblem(elem, kind);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * Why one path element is unacceptable, or undefined. Also used for versions (as `file`
 * elements) by escaping. Rejects empty and all-dot elements, a trailing dot (and a leading
 * one in module paths), characters outside the kind's set, Windows device names, and (except
 * in file paths) Windows 8.3 short-name look-alikes such as `abc~1`.
 */
export function elementProblem(elem: string, kind: PathKind): string | undefined {
  if (elem === '') return 'empty path element';
  if (/^\.+$/.test(elem)) return `invalid path element ${goQuote(elem)}`;
  if (elem[0] === '.' && kind === 'module') return 'leading dot in path element';
  if (elem.endsWith('.')) return 'trailing dot in path element';
  // The common case in one regular expression; the loop finds the first bad character.
  if (!ALL_ASCII_OK[kind].test(elem)) {
    const charOK =
      kind === 'module' ? isModulePathChar : kind === 'import' ? isImportPathChar : isFileNameChar;
    for (const ch of elem) {
      if (!charOK(ch)) return `invalid char ${goQuoteRune(ch)}`;
    }
  }

  // Windows forbids device names as file names even with an extension: `aux.go` is bad.
  const dot = elem.indexOf('.');
  const short = dot >= 0 ? elem.slice(0, dot) : elem;
  // Every device name has 3 or 4 characters (upper-casing others is wasted work).
  if ((short.length === 3 || short.length === 4) && badWindowsNames.has(asciiUpper(short))) {
    return `${goQuote(short)} disallowed as path element component on Windows`;
  }
  if (kind === 'file') return undefined;

  // `abc~1` could name the same file as a long name on Windows (8.3 short names); module and
  // import paths must not be able to collide that way.
  const tilde = short.lastIndexOf('~');
  if (tilde >= 0 && tilde < short.length - 1 && /^[0-9]+$/.test(short.slice(tilde + 1))) {
    return 'trailing tilde and digits in path element';
  }
  return undefined;
}

const badWindowsNames: ReadonlySet<string> = new Set([
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`]),
]);

/**
 * Per kind, elements made only of ASCII characters of its set (what nearly every path is):
 * they pass the character check without a test per character. Anything else (a non-ASCII
 * letter in a file name, a bad character) is checked character by character.
 */
const ALL_ASCII_OK: Readonly<Record<PathKind, RegExp>> = {
  module: /^[-._~0-9A-Za-z]*$/,
  import: /^[-+._~0-9A-Za-z]*$/,
  file: /^[0-9A-Za-z !#$%&()+,\-.=@[\]^_{}~]*$/,
};

/** A first element made only of `[a-z0-9.-]` (see isFirstElementChar). */
const FIRST_ELEMENT = /^[-.0-9a-z]*$/;

/** Upper-cases ASCII letters only, so non-ASCII letters can never fold onto a device name. */
function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** The first element is a host name: `[a-z0-9.-]`. */
function isFirstElementChar(ch: string): boolean {
  return /^[-.0-9a-z]$/.test(ch);
}

function isModulePathChar(ch: string): boolean {
  return /^[-._~0-9A-Za-z]$/.test(ch);
}

function isImportPathChar(ch: string): boolean {
  return ch === '+' || isModulePathChar(ch);
}

/**
 * File names: ASCII letters and digits, space and ``!#$%&()+,-.=@[]^_{}~``, or any
 * non-ASCII Unicode letter. Quotes, `*<>?|:\` and backquote are out (not portable).
 */
function isFileNameChar(ch: string): boolean {
  if (ch.length === 1 && ch.charCodeAt(0) < 0x80) {
    return /^[0-9A-Za-z !#$%&()+,\-.=@[\]^_{}~]$/.test(ch);
  }
  return /^\p{L}$/u.test(ch);
}

/** False if `s` holds a lone surrogate: the JS form of Go's "invalid UTF-8". */
export function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}
