/**
 * `modgate warm`: computes, for go.mod / go.sum / go.work inputs, the module files the go
 * command would fetch (`computeDownloadSet` for go.mod files; every line of a go.sum; the
 * go.mod of each module a go.work uses) and fetches them through a GOPROXY server with
 * bounded concurrency, so the server holds them before CI jobs ask.
 *
 * A file a modgate answers from its storage (`X-Modgate-Cache: hit`) is counted as already
 * present as well as fetched; other GOPROXY servers cannot say, so there every file is
 * fetched or failed. A go.work is warmed by the workspace's own
 * version selection (`computeWorkspaceDownloadSet`, with its `replace` directives);
 * its modules' go.mod files, when also given or found, are warmed on their own as well.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Semaphore } from '../async/index.js';
import { parseGoModSyntax } from '../modfile/go-mod-syntax.js';
import { goUnquote } from '../modfile/go-unquote.js';
import { computeDownloadSet } from './download-set.js';
import { GoproxyClient, type GoproxyFile } from './goproxy-client.js';
import {
  parseExcludeReplace,
  parseMainModule,
  versionKey,
  type MainModule,
  type ModuleVersion,
  type Replacement,
} from './main-module.js';
import { computeWorkspaceDownloadSet } from './workspace-download-set.js';
import type { WarmInput } from './warm-inputs.js';

export interface WarmProgress {
  readonly done: number;
  readonly total: number;
}

export interface WarmOptions {
  /** The GOPROXY base URL (credentials allowed; never reported). */
  readonly server: string;
  readonly concurrency: number;
  /** Compute the set and its key only: fetch no zips. */
  readonly keyOnly?: boolean;
  readonly onProgress?: (p: WarmProgress) => void;
}

export interface WarmFailure {
  /** A request path (`/m/@v/v1.0.0.zip`) or an input file name. */
  readonly file: string;
  readonly reason: string;
}

export interface WarmReport {
  readonly inputs: number;
  /** Module versions whose zip is part of the set. */
  readonly modules: number;
  /** The `.mod`-only and zip module versions, `path@version` and `path@version/go.mod`. */
  readonly set: readonly string[];
  /** sha256 (hex) of `set` joined by newlines: a cache key for the dependency set. */
  readonly key: string;
  readonly fetched: number;
  /** Of the files fetched, those the server already held (a modgate's X-Modgate-Cache: hit). */
  readonly present: number;
  readonly failed: number;
  readonly failures: readonly WarmFailure[];
}

export async function warm(inputs: readonly WarmInput[], opts: WarmOptions): Promise<WarmReport> {
  const client = new GoproxyClient(opts.server);
  const limiter = new Semaphore(opts.concurrency);
  const results = new Map<string, Promise<Buffer>>();
  const failures: WarmFailure[] = [];
  let done = 0;
  let total = 0;
  let present = 0;
  let requestFailures = 0;
  const progress = (): void => opts.onProgress?.({ done, total });
  /** Each file is requested once; failures are recorded, and rethrown to the caller. */
  const get = (m: ModuleVersion, ext: GoproxyFile): Promise<Buffer> => {
    const path = GoproxyClient.filePath(m, ext);
    let p = results.get(path);
    if (p === undefined) {
      total++;
      progress();
      p = limiter.run(async () => {
        const got = await client.fetch(m, ext);
        if (got.present) present++;
        return got.body;
      });
      p.then(
        () => {
          done++;
          progress();
        },
        (err: Error) => {
          done++;
          requestFailures++;
          // The client names the request path; the report already does.
          const reason = err.message.replace(`GET ${path}: `, '');
          failures.push({ file: path, reason });
          progress();
        },
      );
      results.set(path, p);
    }
    return p;
  };

  const mods = new Map<string, ModuleVersion>();
  const zips = new Map<string, ModuleVersion>();
  const addSet = (ms: readonly ModuleVersion[], zs: readonly ModuleVersion[]): void => {
    for (const m of ms) mods.set(versionKey(m), m);
    for (const z of zs) zips.set(versionKey(z), z);
  };
  const goModInput = async (name: string, text: string, dir: string): Promise<void> => {
    try {
      const set = await computeDownloadSet(parseMainModule(text, name), {
        goMod: (m) => get(m, 'mod'),
        localGoMod: (d) => readFile(join(resolve(dir, d), 'go.mod')),
      });
      addSet(set.mods, set.zips);
    } catch (err) {
      failures.push({ file: name, reason: (err as Error).message });
    }
  };
  /** A go.work: its modules' go.mod files, then the workspace's own version selection. */
  const workInput = async (input: WarmInput): Promise<void> => {
    const mains: MainModule[] = [];
    for (const use of workUses(input.text)) {
      try {
        const file = join(input.dir, use, 'go.mod');
        const main = parseMainModule(await readFile(file, 'utf8'), file);
        mains.push({ ...main, replace: absoluteDirs(main.replace, join(input.dir, use)) });
      } catch (err) {
        failures.push({ file: input.name, reason: `use ${use}: ${(err as Error).message}` });
        return;
      }
    }
    try {
      const workReplace = absoluteDirs(
        parseExcludeReplace(input.text, input.name).replace,
        input.dir,
      );
      const set = await computeWorkspaceDownloadSet(
        mains,
        { goMod: (m) => get(m, 'mod'), localGoMod: (d) => readFile(join(d, 'go.mod')) },
        workReplace,
      );
      addSet(set.mods, set.zips);
    } catch (err) {
      failures.push({ file: input.name, reason: (err as Error).message });
    }
  };
  for (const input of inputs) {
    if (input.kind === 'go.mod') {
      await goModInput(input.name, input.text, input.dir);
    } else if (input.kind === 'go.sum') {
      const s = goSumSet(input.text);
      addSet(s.mods, s.zips);
    } else {
      await workInput(input);
    }
  }

  const set = [
    ...[...zips.keys()],
    ...[...mods.keys()].filter((k) => !zips.has(k)).map((k) => `${k}/go.mod`),
  ].sort();
  const key = createHash('sha256').update(set.join('\n')).digest('hex');
  if (opts.keyOnly !== true) {
    const all: Promise<unknown>[] = [];
    for (const z of zips.values()) all.push(get(z, 'info'), get(z, 'mod'), get(z, 'zip'));
    for (const m of mods.values()) all.push(get(m, 'mod'));
    await Promise.allSettled(all);
  }
  await Promise.allSettled(results.values());
  return {
    inputs: inputs.length,
    modules: zips.size,
    set,
    key,
    // Input failures are named by file name (absolute too): counted apart from requests.
    fetched: done - requestFailures,
    present,
    failed: failures.length,
    failures,
  };
}

/** `path version h1:…` lines name zips; `path version/go.mod h1:…` lines name go.mod files. */
function goSumSet(text: string): { mods: ModuleVersion[]; zips: ModuleVersion[] } {
  const mods: ModuleVersion[] = [];
  const zips: ModuleVersion[] = [];
  for (const line of text.split('\n')) {
    const [path, version] = line.trim().split(/\s+/);
    if (path === undefined || version === undefined || path === '') continue;
    if (version.endsWith('/go.mod')) mods.push({ path, version: version.slice(0, -7) });
    else zips.push({ path, version });
  }
  return { mods, zips };
}

/** Local-directory replacements made absolute against `dir` (the file that declares them). */
function absoluteDirs(list: readonly Replacement[], dir: string): Replacement[] {
  return list.map((r) =>
    r.new.version === '' ? { ...r, new: { path: resolve(dir, r.new.path), version: '' } } : r,
  );
}

/** The directories a go.work `use`s (line or block form). */
function workUses(text: string): string[] {
  const out: string[] = [];
  const unq = (t: string): string => (t.startsWith('"') ? (goUnquote(t) ?? t) : t);
  for (const stmt of parseGoModSyntax(text, 'go.work')) {
    if (stmt.kind === 'line' && stmt.tokens[0] === 'use' && stmt.tokens[1] !== undefined) {
      out.push(unq(stmt.tokens[1]));
    } else if (stmt.kind === 'block' && stmt.tokens[0] === 'use') {
      for (const l of stmt.lines) if (l.tokens[0] !== undefined) out.push(unq(l.tokens[0]));
    }
  }
  return out;
}
