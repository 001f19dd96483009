/**
 * The go.mod directives a proxy needs from a module's go.mod, read the way the go command
 * reads a dependency's go.mod (modfile.ParseLax, as modload.rawGoModSummary does):
 *
 * - `module` (with its `// Deprecated:` paragraph), `go`, `require` and `retract` are
 *   interpreted; every other directive (replace, exclude, toolchain, godebug, tool, future
 *   ones) is ignored;
 * - a malformed `retract` is skipped, not an error, and retracted versions are kept exactly
 *   as written (no canonicalization), as ParseLax does;
 * - a `go` version that is not `1.N[.P][rcN]` is cut down to `1.N` when it starts that way;
 * - other errors (syntax, repeated module/go, bad require versions) make the whole file
 *   invalid, reported as ModgateError('invalid') with Go's messages, one per line.
 */
import { invalid } from '../errors/index.js';
import { canonicalVersion } from '../module/canonical-version.js';
import { goQuote } from '../module/go-quote.js';
import { pathMajorProblem, splitPathVersion } from '../module/split-path-version.js';
import { goTrimSpace, goUnquote } from './go-unquote.js';
import { parseGoModSyntax, type SyntaxBlock, type SyntaxLine } from './go-mod-syntax.js';
import type { Retraction } from './retraction.js';

export interface GoModFile {
  /** The `module` directive, if any. */
  readonly module?: {
    readonly path: string;
    /** The text of the `Deprecated:` paragraph of its comments, or ``. */
    readonly deprecated: string;
  };
  /** The `go` directive's version (e.g. `1.21.0`), if any. */
  readonly go?: string;
  readonly require: readonly {
    readonly path: string;
    readonly version: string;
    readonly indirect: boolean;
  }[];
  readonly retract: readonly Retraction[];
}

/** `1.21`, `1.21.3`, `1.21rc1` (x/mod GoVersionRE since Go 1.21). */
const goVersionRE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;
/** What lax parsing salvages from anything else: the leading `1.N`. */
const laxGoVersionRE = /^v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)$/s;

/** Parses a dependency's go.mod (ParseLax rules); throws invalid on errors. */
export function parseGoMod(data: Buffer | string, filename = 'go.mod'): GoModFile {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const statements = parseGoModSyntax(text, filename);
  const errors: string[] = [];
  const state: MutableGoMod = { require: [], retract: [] };
  for (const stmt of statements) {
    if (stmt.kind === 'line') {
      const [verb = '', ...args] = stmt.tokens;
      addDirective(state, errors, filename, undefined, stmt, verb, args);
    } else if (stmt.tokens.length === 1) {
      const verb = stmt.tokens[0] ?? '';
      if (!['module', 'require', 'exclude', 'replace', 'retract'].includes(verb)) continue;
      for (const line of stmt.lines) {
        addDirective(state, errors, filename, stmt, line, verb, [...line.tokens]);
      }
    }
  }
  if (errors.length > 0) throw invalid(errors.join('\n'));
  return state;
}

interface MutableGoMod {
  module?: { path: string; deprecated: string };
  go?: string;
  require: { path: string; version: string; indirect: boolean }[];
  retract: Retraction[];
}

function addDirective(
  f: MutableGoMod,
  errors: string[],
  filename: string,
  block: SyntaxBlock | undefined,
  line: SyntaxLine,
  verb: string,
  args: string[],
): void {
  const where = line.column > 1 ? `${line.line}:${line.column}` : `${line.line}`;
  const fail = (message: string): void => {
    errors.push(`${filename}:${where}: ${message}`);
  };
  switch (verb) {
    case 'go': {
      if (f.go !== undefined) return fail('repeated go statement');
      if (args.length !== 1) return fail('go directive expects exactly one argument');
      let version = args[0] ?? '';
      if (!goVersionRE.test(version)) {
        const m = laxGoVersionRE.exec(version);
        if (m === null) return fail(`invalid go version '${version}': must match format 1.23.0`);
        version = m[1] ?? '';
      }
      f.go = version;
      return;
    }
    case 'module': {
      if (f.module !== undefined) return fail('repeated module statement');
      const deprecated = deprecation(directiveComment(block, line));
      f.module = { path: '', deprecated };
      if (args.length !== 1) return fail('usage: module module/path');
      const path = parseString(args[0] ?? '');
      if (path instanceof Error) return fail(`invalid quoted string: ${path.message}`);
      f.module.path = path;
      return;
    }
    case 'require': {
      if (args.length !== 2) return fail('usage: require module/path v1.2.3');
      const path = parseString(args[0] ?? '');
      if (path instanceof Error) return fail(`invalid quoted string: ${path.message}`);
      const version = parseVersion(verb, path, args[1] ?? '', true);
      if (version instanceof Error) return fail(version.message);
      const split = splitPathVersion(path);
      if (!split.ok) return fail('invalid module path');
      const problem = pathMajorProblem(version, split.pathMajor);
      if (problem !== undefined) {
        return fail(`require ${path}: version ${goQuote(version)} invalid: ${problem}`);
      }
      f.require.push({ path, version, indirect: isIndirect(line) });
      return;
    }
    case 'retract': {
      const rationale = directiveComment(block, line);
      const interval = parseVersionInterval(args);
      // ParseLax skips retractions it cannot read: future syntax must not break old clients.
      if (interval === undefined) return;
      f.retract.push({ ...interval, rationale });
      return;
    }
    default:
      return; // ParseLax ignores every other directive.
  }
}

/** `v` or `[low, high]`, versions as written. */
function parseVersionInterval(args: string[]): { low: string; high: string } | undefined {
  const [first, ...rest] = args;
  if (first === undefined || first === '(') return undefined;
  if (first !== '[') {
    const v = parseVersion('retract', '', first, false);
    return v instanceof Error ? undefined : { low: v, high: v };
  }
  const [lowToken, comma, highToken, close] = rest;
  if (lowToken === undefined) return undefined;
  const low = parseVersion('retract', '', lowToken, false);
  if (low instanceof Error || comma !== ',' || highToken === undefined) return undefined;
  const high = parseVersion('retract', '', highToken, false);
  if (high instanceof Error || close !== ']') return undefined;
  return { low, high };
}

/**
 * A version token: unquoted, and (for require) canonicalized, as modfile.parseVersion does
 * with no VersionFixer. Returns an Error carrying Go's message on failure.
 */
function parseVersion(
  verb: string,
  path: string,
  token: string,
  canonicalize: boolean,
): string | Error {
  const directive = path === '' ? `${verb}: ` : `${verb} ${path}: `;
  const t = parseString(token);
  if (t instanceof Error) {
    return new Error(`${directive}version ${goQuote(token)} invalid: ${t.message}`);
  }
  if (!canonicalize) return t;
  const cv = canonicalVersion(t);
  if (cv === '')
    return new Error(`${directive}version ${goQuote(t)} invalid: must be of the form v1.2.3`);
  return cv;
}

/** modfile.parseString: `"…"` is unquoted; other quote characters are reserved. */
function parseString(token: string): string | Error {
  if (token.startsWith('"')) return goUnquote(token) ?? new Error('invalid syntax');
  if (/["'`]/.test(token)) return new Error('unquoted string cannot contain quote');
  return token;
}

/**
 * The comment text of a directive: its own comments above and at the end of the line, or,
 * if it has none and sits in a block, the block's. `//` and surrounding space are removed;
 * blank-line markers are skipped; lines are joined with `\n`.
 */
function directiveComment(block: SyntaxBlock | undefined, line: SyntaxLine): string {
  let source: { before: readonly string[]; suffix: readonly string[] } = line;
  if (block !== undefined && line.before.length === 0 && line.suffix.length === 0) source = block;
  return [...source.before, ...source.suffix]
    .filter((c) => c.startsWith('//'))
    .map((c) => goTrimSpace(c.slice(2)))
    .join('\n');
}

/** The first paragraph starting with `Deprecated:` (case-sensitive), without the prefix. */
function deprecation(comment: string): string {
  const m = /(?:^|\n\n)Deprecated: *([\s\S]*?)(?:$|\n\n)/.exec(comment);
  return m?.[1] ?? '';
}

/** A `// indirect` (or `// indirect; …`) suffix comment marks an indirect requirement. */
function isIndirect(line: SyntaxLine): boolean {
  const first = line.suffix[0];
  if (first === undefined) return false;
  const fields = goTrimSpace(first.slice(2)).split(/\s+/);
  return (
    (fields.length === 1 && fields[0] === 'indirect') ||
    (fields.length > 1 && fields[0] === 'indirect;')
  );
}
