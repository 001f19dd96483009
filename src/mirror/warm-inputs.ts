/**
 * The files `modgate warm` reads: go.mod, go.sum and go.work files named on the command line,
 * found by walking directories, or read from standard input (`-`, recognised by content).
 * A directory walk skips what the go command never treats as part of a module tree: names
 * starting with `.` or `_`, `testdata`, `vendor`, and `node_modules`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { invalid } from '../errors/index.js';

export type WarmInputKind = 'go.mod' | 'go.sum' | 'go.work';

export interface WarmInput {
  /** The file name as given or found (`-` for standard input). */
  readonly name: string;
  readonly kind: WarmInputKind;
  readonly text: string;
  /** The directory relative `replace` and `use` paths are resolved against. */
  readonly dir: string;
}

const KINDS: readonly string[] = ['go.mod', 'go.sum', 'go.work'];
const SKIP = new Set(['testdata', 'vendor', 'node_modules']);

/** Reads every input; `readStdin` is called at most once, for `-`. */
export async function collectWarmInputs(
  paths: readonly string[],
  readStdin: () => Promise<string>,
  cwd = process.cwd(),
): Promise<WarmInput[]> {
  const out: WarmInput[] = [];
  for (const p of paths.length === 0 ? ['.'] : paths) {
    if (p === '-') {
      const text = await readStdin();
      out.push({ name: '-', kind: kindOfText(text), text, dir: cwd });
      continue;
    }
    const abs = resolve(cwd, p);
    const st = await stat(abs).catch(() => undefined);
    if (st === undefined) throw invalid(`${p}: no such file or directory`);
    if (st.isDirectory()) {
      for (const file of await walk(abs)) out.push(await readInput(file, file));
    } else {
      out.push(await readInput(p, abs));
    }
  }
  return out;
}

async function readInput(name: string, abs: string): Promise<WarmInput> {
  const text = await readFile(abs, 'utf8');
  const base = basename(abs);
  const kind = KINDS.includes(base) ? (base as WarmInputKind) : kindOfText(text);
  return { name, kind, text, dir: dirname(abs) };
}

async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.isDirectory()) {
      if (e.name.startsWith('.') || e.name.startsWith('_') || SKIP.has(e.name)) continue;
      found.push(...(await walk(join(dir, e.name))));
    } else if (e.isFile() && KINDS.includes(e.name)) {
      found.push(join(dir, e.name));
    }
  }
  return found;
}

/** A file given by content alone: go.sum lines, a go.work `use`, or else a go.mod. */
function kindOfText(text: string): WarmInputKind {
  if (/^\s*module\s/m.test(text)) return 'go.mod';
  if (/^\s*use[\s(]/m.test(text)) return 'go.work';
  if (/^\S+ \S+ h1:/m.test(text)) return 'go.sum';
  throw invalid('input is neither a go.mod, a go.sum nor a go.work file');
}
