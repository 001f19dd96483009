/**
 * Which module versions `mirror export` carries: `path@version` (zip, .info and .mod) or
 * `path@version/go.mod` (.mod only) given as arguments or listed in a file; the download set
 * of go.mod / go.sum / go.work files (warm's: what `go mod download` fetches); or every
 * version stored since a date.
 */
import { invalid } from '../errors/index.js';
import { check, unescapePath, unescapeVersion } from '../module/index.js';
import type { Storage } from '../storage/index.js';
import type { ExportItem } from './export-bundle.js';
import { warm } from './warm.js';
import type { WarmInput } from './warm-inputs.js';

/** Parses `path@version` or `path@version/go.mod`; throws `invalid` for anything else. */
export function parseExportItem(text: string): ExportItem {
  const s = text.trim();
  const at = s.lastIndexOf('@');
  if (at <= 0) throw invalid(`${JSON.stringify(s)} is not module@version`);
  const path = s.slice(0, at);
  let version = s.slice(at + 1);
  const modOnly = version.endsWith('/go.mod');
  if (modOnly) version = version.slice(0, -'/go.mod'.length);
  check(path, version);
  return { path, version, zip: !modOnly };
}

/** A list file: one `path@version[/go.mod]` per line; blank lines and `#` comments skipped. */
export function parseExportList(text: string): ExportItem[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '')
    .map(parseExportItem);
}

/**
 * The download set of go.mod/go.sum/go.work inputs (warm's computation). go.mod and go.work
 * files need the .mod files of the build list, read through `server`; go.sum files name
 * their versions themselves.
 */
export async function itemsFromGoFiles(
  inputs: readonly WarmInput[],
  server: string | undefined,
): Promise<ExportItem[]> {
  if (inputs.length === 0) return [];
  if (server === undefined && inputs.some((i) => i.kind !== 'go.sum')) {
    throw invalid('go.mod and go.work inputs need a GOPROXY server to read .mod files through');
  }
  const report = await warm(inputs, {
    server: server ?? 'http://127.0.0.1:9/unused',
    concurrency: 8,
    keyOnly: true,
  });
  if (report.failures.length > 0) {
    const f = report.failures[0]!;
    throw invalid(`computing the module set: ${f.file}: ${f.reason}`);
  }
  return report.set.map(parseExportItem);
}

/**
 * Every module version whose `.mod` was stored at or after `since`: carried with its zip and
 * `.info` when both are stored, else `.mod`-only. Lists the whole storage.
 */
export async function itemsStoredSince(storage: Storage, since: Date): Promise<ExportItem[]> {
  const keys = new Set(await storage.list(''));
  const items: ExportItem[] = [];
  for (const key of keys) {
    const m = /^(.+)\/@v\/([^/]+)\.mod$/.exec(key);
    if (m === null || key.startsWith('sumdb/')) continue;
    const stat = await storage.stat(key);
    if (stat === null || stat.modified < since) continue;
    let path: string;
    let version: string;
    try {
      path = unescapePath(m[1]!);
      version = unescapeVersion(m[2]!);
    } catch {
      continue; // not a module file
    }
    const base = key.slice(0, -'.mod'.length);
    items.push({ path, version, zip: keys.has(`${base}.zip`) && keys.has(`${base}.info`) });
  }
  return items;
}
