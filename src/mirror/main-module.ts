/**
 * A main module's go.mod as `go mod download` reads it: the `module`, `go` and `require`
 * directives (parsed by modfile.parseGoMod), plus the two directives that only a main
 * module's go.mod may use and that change what gets fetched: `exclude` and `replace`
 * (golang.org/x/mod/modfile parseReplace; https://go.dev/ref/mod#go-mod-file-replace).
 */
import { invalid } from '../errors/index.js';
import { canonicalVersion } from '../module/canonical-version.js';
import { parseGoMod } from '../modfile/index.js';
import { goUnquote } from '../modfile/go-unquote.js';
import { parseGoModSyntax } from '../modfile/go-mod-syntax.js';

export interface ModuleVersion {
  readonly path: string;
  readonly version: string;
}

/** `replace old [v] => new v` (a module) or `replace old [v] => ./dir` (a local directory). */
export interface Replacement {
  readonly old: { readonly path: string; readonly version?: string };
  /** A module replacement has a version; a local-path replacement has `version === ''`. */
  readonly new: ModuleVersion;
}

export interface MainModule {
  readonly path: string;
  readonly go?: string;
  readonly require: readonly ModuleVersion[];
  /** `path@version` keys. */
  readonly exclude: ReadonlySet<string>;
  readonly replace: readonly Replacement[];
}

export const versionKey = (m: ModuleVersion): string => `${m.path}@${m.version}`;

/** Parses a main module's go.mod; throws invalid (with file:line) on malformed directives. */
export function parseMainModule(data: Buffer | string, filename = 'go.mod'): MainModule {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const base = parseGoMod(text, filename);
  if (base.module === undefined || base.module.path === '') {
    throw invalid(`${filename}: no module directive`);
  }
  const { exclude, replace } = parseExcludeReplace(text, filename);
  return {
    path: base.module.path,
    ...(base.go === undefined ? {} : { go: base.go }),
    require: base.require.map(({ path, version }) => ({ path, version })),
    exclude,
    replace,
  };
}

/**
 * The `exclude` and `replace` directives of a go.mod or go.work (a go.work has no exclude);
 * throws invalid (with file:line) on malformed ones.
 */
export function parseExcludeReplace(
  text: string,
  filename: string,
): { exclude: Set<string>; replace: Replacement[] } {
  const exclude = new Set<string>();
  const replace: Replacement[] = [];
  const errors: string[] = [];
  const handle = (verb: string, args: string[], line: number): void => {
    const where = `${filename}:${line}`;
    const strs = args.map((a) => (a.startsWith('"') ? (goUnquote(a) ?? a) : a));
    if (verb === 'exclude') {
      const version = canonicalVersion(strs[1] ?? '');
      if (strs.length !== 2 || version === '') {
        errors.push(`${where}: usage: exclude module/path v1.2.3`);
        return;
      }
      exclude.add(`${strs[0] ?? ''}@${version}`);
    } else if (verb === 'replace') {
      const r = replacement(strs);
      if (r === undefined) errors.push(`${where}: usage: replace a [v] => b v | ./dir`);
      else replace.push(r);
    }
  };
  for (const stmt of parseGoModSyntax(text, filename)) {
    if (stmt.kind === 'line') {
      const [verb = '', ...args] = stmt.tokens;
      handle(verb, args, stmt.line);
    } else if (stmt.tokens.length === 1) {
      for (const line of stmt.lines) handle(stmt.tokens[0] ?? '', [...line.tokens], line.line);
    }
  }
  if (errors.length > 0) throw invalid(errors.join('\n'));
  return { exclude, replace };
}

/** A local directory, as modfile.IsDirectoryPath decides: rooted, or starting with ./ or ../. */
function isDirectoryPath(p: string): boolean {
  return p.startsWith('./') || p.startsWith('../') || p.startsWith('/') || p === '.' || p === '..';
}

function replacement(args: string[]): Replacement | undefined {
  const arrow = args[1] === '=>' ? 1 : 2;
  if (args.length < arrow + 2 || args.length > arrow + 3 || args[arrow] !== '=>') return undefined;
  const oldPath = args[0] ?? '';
  let oldVersion: string | undefined;
  if (arrow === 2) {
    oldVersion = canonicalVersion(args[1] ?? '');
    if (oldVersion === '') return undefined;
  }
  const newPath = args[arrow + 1] ?? '';
  let newVersion = '';
  if (args.length === arrow + 3) {
    newVersion = canonicalVersion(args[arrow + 2] ?? '');
    if (newVersion === '') return undefined;
  } else if (!isDirectoryPath(newPath)) {
    return undefined;
  }
  return {
    old: { path: oldPath, ...(oldVersion === undefined ? {} : { version: oldVersion }) },
    new: { path: newPath, version: newVersion },
  };
}
