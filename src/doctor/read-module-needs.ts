import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseGoModSyntax } from '../modfile/go-mod-syntax.js';
import { goUnquote } from '../modfile/go-unquote.js';
import { compareGoVersions, parseGoMod } from '../modfile/index.js';
import { matchPrefixPatterns } from '../module/index.js';
import type { FetchedModule, ModuleNeeds, Replacement, Requirement } from './doctor-context.js';

/** What decides where the module files are and which paths are private. */
export interface ModuleLocation {
  /** `go env` GOMOD: a go.mod path, `/dev/null` (modules on, no go.mod) or `` (modules off / unknown). */
  gomod?: string;
  /** `go env` GOWORK (or the environment's): a go.work path, `off`, or ``. */
  gowork?: string;
  GOPRIVATE: string;
  GONOPROXY: string;
  GONOSUMDB: string;
}

/**
 * Finds and reads the main module (or workspace) that `dir` belongs to, the way the go command
 * does: GOWORK names the workspace file (`off` disables workspaces), else the nearest go.work
 * above `dir`, else the nearest go.mod. When the go command answered, its GOMOD/GOWORK are
 * taken as they are; with modules off (GOMOD empty) the files are still looked for so the
 * checks can say what the project would need. Returns undefined outside any module.
 *
 * Unreadable or unparsable files become `problems`, never a throw.
 */
export async function readModuleNeeds(
  dir: string,
  where: ModuleLocation,
): Promise<ModuleNeeds | undefined> {
  const files = await locate(dir, where);
  if (files === undefined) return undefined;
  const problems: string[] = [];
  const needs = {
    root: dirname(files.workFile ?? files.modFiles[0] ?? dir),
    modFiles: files.modFiles,
    mainModules: [] as string[],
    requirements: [] as Requirement[],
    replacements: [] as Replacement[],
    problems,
  };
  let goVersion: string | undefined;
  const noteGo = (v: string | undefined): void => {
    if (v !== undefined && (goVersion === undefined || compareGoVersions(v, goVersion) > 0)) {
      goVersion = v;
    }
  };
  const sumLines = new Set<string>();
  for (const modFile of files.modFiles) {
    const text = await readText(modFile, problems);
    if (text === undefined) continue;
    try {
      const parsed = parseGoMod(text, modFile);
      if (parsed.module !== undefined) needs.mainModules.push(parsed.module.path);
      noteGo(parsed.go);
      for (const r of parsed.require) needs.requirements.push({ ...r, file: modFile });
      needs.replacements.push(...readReplacements(text, modFile, problems));
    } catch (err) {
      problems.push((err as Error).message);
    }
    await readSum(join(dirname(modFile), 'go.sum'), sumLines);
  }
  if (files.workFile !== undefined) {
    const text = await readText(files.workFile, problems);
    if (text !== undefined) {
      try {
        for (const s of parseGoModSyntax(text, files.workFile)) {
          if (s.kind === 'line' && s.tokens[0] === 'go') noteGo(s.tokens[1]);
        }
        // go.work's replacements win over the modules' own (listed last, looked up last-first).
        needs.replacements.push(...readReplacements(text, files.workFile, problems));
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    await readSum(join(dirname(files.workFile), 'go.work.sum'), sumLines);
  }
  const main = new Set(needs.mainModules);
  needs.requirements = needs.requirements.filter((r) => !main.has(r.path));
  const fetched = fetchedModules(needs.requirements, needs.replacements, where);
  return {
    ...needs,
    ...(files.workFile === undefined ? {} : { workFile: files.workFile }),
    ...(goVersion === undefined ? {} : { goVersion }),
    sumLines,
    fetched,
  };
}

/**
 * The module versions `go mod download` fetches: each requirement once, after replacement
 * (a directory replacement fetches nothing; a module replacement fetches the new path), with
 * Go's privacy rules — GONOPROXY and GONOSUMDB default to GOPRIVATE.
 */
export function fetchedModules(
  requirements: readonly Requirement[],
  replacements: readonly Replacement[],
  where: Pick<ModuleLocation, 'GOPRIVATE' | 'GONOPROXY' | 'GONOSUMDB'>,
): FetchedModule[] {
  const noProxy = where.GONOPROXY !== '' ? where.GONOPROXY : where.GOPRIVATE;
  const noSumdb = where.GONOSUMDB !== '' ? where.GONOSUMDB : where.GOPRIVATE;
  const seen = new Set<string>();
  const out: FetchedModule[] = [];
  for (const r of requirements) {
    const rep = [...replacements]
      .reverse()
      .find(
        (x) => x.oldPath === r.path && (x.oldVersion === undefined || x.oldVersion === r.version),
      );
    if (rep?.dir !== undefined) continue;
    const path = rep?.newPath ?? r.path;
    const version = rep?.newVersion ?? r.version;
    const key = `${path}@${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      path,
      version,
      noProxy: matchPrefixPatterns(noProxy, path),
      noSumdb: matchPrefixPatterns(noSumdb, path),
    });
  }
  return out;
}

async function locate(
  dir: string,
  where: ModuleLocation,
): Promise<{ workFile?: string; modFiles: string[] } | undefined> {
  let workFile: string | undefined;
  if (where.gowork !== undefined && where.gowork !== '' && where.gowork !== 'off') {
    workFile = resolve(dir, where.gowork);
  } else if (where.gowork !== 'off' && (where.gomod === undefined || where.gomod === '')) {
    workFile = await findUp(dir, 'go.work');
  }
  if (workFile !== undefined) {
    const uses = await readUses(workFile);
    return { workFile, modFiles: uses.map((u) => join(u, 'go.mod')) };
  }
  if (where.gomod === '/dev/null' || where.gomod === 'NUL') return undefined;
  const modFile =
    where.gomod !== undefined && where.gomod !== '' ? where.gomod : await findUp(dir, 'go.mod');
  return modFile === undefined ? undefined : { modFiles: [modFile] };
}

/** The absolute directories a go.work `use`s (unreadable file: none). */
async function readUses(workFile: string): Promise<string[]> {
  const text = await readText(workFile, []);
  if (text === undefined) return [];
  const dirs: string[] = [];
  const add = (args: readonly string[]): void => {
    const d = args[0];
    if (d !== undefined) dirs.push(resolve(dirname(workFile), unquote(d)));
  };
  try {
    for (const s of parseGoModSyntax(text, workFile)) {
      if (s.tokens[0] !== 'use') continue;
      if (s.kind === 'line') add(s.tokens.slice(1));
      else for (const l of s.lines) add(l.tokens);
    }
  } catch {
    return [];
  }
  return dirs;
}

/** The `replace` directives of a go.mod or go.work: `old [v] => new [v]`. */
function readReplacements(text: string, file: string, problems: string[]): Replacement[] {
  const out: Replacement[] = [];
  const add = (args: readonly string[], line: number): void => {
    const arrow = args.indexOf('=>');
    const left = args.slice(0, arrow).map(unquote);
    const right = args.slice(arrow + 1).map(unquote);
    const [oldPath, oldVersion] = left;
    const [newPath, newVersion] = right;
    if (arrow < 0 || oldPath === undefined || newPath === undefined || left.length > 2) {
      problems.push(`${file}:${line}: usage: replace module/path [v1.2.3] => other/module v1.4`);
      return;
    }
    const isDir = /^(\.\.?\/|\/)/.test(newPath) || newPath === '.' || newPath === '..';
    out.push({
      oldPath,
      ...(oldVersion === undefined ? {} : { oldVersion }),
      newPath,
      ...(newVersion === undefined || isDir ? {} : { newVersion }),
      ...(isDir ? { dir: isAbsolute(newPath) ? newPath : resolve(dirname(file), newPath) } : {}),
      file,
    });
  };
  for (const s of parseGoModSyntax(text, file)) {
    if (s.tokens[0] !== 'replace') continue;
    if (s.kind === 'line') add(s.tokens.slice(1), s.line);
    else for (const l of s.lines) add(l.tokens, l.line);
  }
  return out;
}

async function readSum(file: string, lines: Set<string>): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return;
  }
  for (const raw of text.split('\n')) {
    const fields = raw.trim().split(/\s+/);
    if (fields.length === 3) lines.add(fields.join(' '));
  }
}

async function readText(file: string, problems: string[]): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    problems.push(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    return undefined;
  }
}

async function findUp(dir: string, name: string): Promise<string | undefined> {
  let d = resolve(dir);
  for (;;) {
    const candidate = join(d, name);
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // keep looking upward
    }
    const parent = dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

function unquote(token: string): string {
  return token.startsWith('"') || token.startsWith('`') ? (goUnquote(token) ?? token) : token;
}
