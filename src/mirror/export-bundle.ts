/**
 * `modgate mirror export`: a module set, read from a source (a running modgate, or storage),
 * is verified exactly as an import will verify it — records against the signed head through
 * tiles, zips and .mod files against the records — and written as one bundle (bundle-manifest.ts
 * describes the layout). So an export never produces a bundle its import would refuse, and a
 * source that serves something wrong is caught before the bundle leaves.
 *
 * Private modules (no checksum-database record, by policy or because the database does not
 * know them) are refused — nothing in a bundle could verify them at the other end — unless
 * `skipPrivate` leaves them out (reported).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Semaphore } from '../async/index.js';
import type { SumdbDatabase } from '../sumdb/gosumdb-config.js';
import {
  formatRecord,
  parseRecord,
  proveTree,
  storedHashIndex,
  tileHashReader,
  tilePath,
  type Tile,
} from '../sumdb/tlog/index.js';
import { BundleError } from './bundle-error.js';
import { bundleLayout } from './bundle-layout.js';
import type { BundleModule } from './bundle-manifest.js';
import { writeBundle, type BundleSource } from './bundle-writer.js';
import type { ExportSource } from './export-source.js';
import { verifyHead, verifyModuleSet, type ModuleVersionFiles } from './verify-module-set.js';

/** A module version to export: with its zip (and .info), or its .mod only. */
export interface ExportItem {
  readonly path: string;
  readonly version: string;
  readonly zip: boolean;
}

export interface ExportOptions {
  readonly source: ExportSource;
  readonly database: Pick<SumdbDatabase, 'name' | 'key' | 'verifier'>;
  /** The bundle file to write. */
  readonly out: string;
  /** Module paths that are private (never looked up in the database). */
  readonly isPrivate?: (path: string) => boolean;
  /** Leave private modules out instead of refusing the export. */
  readonly skipPrivate?: boolean;
  /**
   * Also carry the tiles that prove the head consistent with an older head of this size (the
   * importing site's current head), so an import there can move its head forward.
   */
  readonly proveFrom?: number;
  readonly concurrency?: number;
  readonly tmpDir?: string;
  readonly now?: () => Date;
}

export interface ExportReport {
  readonly out: string;
  readonly database: string;
  readonly treeSize: number;
  readonly modules: number;
  readonly zips: number;
  readonly tiles: number;
  readonly entries: number;
  /** Module versions left out because they are private (`skipPrivate`). */
  readonly skipped: readonly string[];
}

export async function exportBundle(
  items: readonly ExportItem[],
  opts: ExportOptions,
): Promise<ExportReport> {
  const { source, database } = opts;
  const name = database.name;
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'modgate-export-'));
  try {
    // One item per module version: a zip wanted anywhere wins over .mod-only.
    const byKey = new Map<string, ExportItem>();
    for (const it of items) {
      const k = `${it.path}@${it.version}`;
      const prev = byKey.get(k);
      if (prev === undefined || (!prev.zip && it.zip)) byKey.set(k, it);
    }
    const skipped: string[] = [];
    const wanted = [...byKey.values()]
      .filter((it) => {
        if (opts.isPrivate?.(it.path) !== true) return true;
        if (opts.skipPrivate === true) {
          skipped.push(`${it.path}@${it.version}`);
          return false;
        }
        throw new BundleError(
          `${it.path}@${it.version}`,
          'no-record',
          'a private module has no checksum-database record, so no bundle can carry it verifiably (--skip-private leaves private modules out; docs/mirror.md)',
        );
      })
      .sort((a, b) =>
        a.path === b.path ? (a.version < b.version ? -1 : 1) : a.path < b.path ? -1 : 1,
      );

    const limiter = new Semaphore(opts.concurrency ?? 8);
    const records = new Map<string, Buffer>();
    let n = 0;
    const modules: ModuleVersionFiles[] = await Promise.all(
      wanted.map((it) =>
        limiter.run(async () => {
          const mv = `${it.path}@${it.version}`;
          const need = async (ext: 'info' | 'mod'): Promise<Buffer> => {
            const key = bundleLayout.moduleFile(it.path, it.version, ext);
            const data = await source.getFile(key);
            if (data === null) throw new Error(`${source.description} has no ${key}`);
            return data;
          };
          const record = await source.sumdbLookup(it.path, it.version);
          if (record === null) {
            throw new BundleError(
              mv,
              'no-record',
              `${source.description} has no record of ${mv} in checksum database ${name} (a private module? --skip-private leaves private modules out)`,
            );
          }
          records.set(mv, record);
          const mod = await need('mod');
          if (!it.zip) return { path: it.path, version: it.version, mod };
          const info = await need('info');
          const zipFile = join(dir, `${n++}.zip`);
          const zipKey = bundleLayout.moduleFile(it.path, it.version, 'zip');
          if (!(await source.copyZip(zipKey, zipFile))) {
            throw new Error(`${source.description} has no ${zipKey}`);
          }
          return { path: it.path, version: it.version, mod, info, zipFile };
        }),
      ),
    );

    // The head: the largest of `latest` (asked after the lookups) and the heads the lookup
    // answers came with — each of which holds its record — so it holds every record even when
    // the source reuses a `latest` fetched a little before a lookup.
    const head = largestHead([await source.sumdbLatest(), ...records.values()], name, database);
    const tileCache = new Map<string, Buffer | undefined>();
    const readTile = async (t: Tile): Promise<Buffer | undefined> => {
      const p = tilePath(t);
      if (!tileCache.has(p)) tileCache.set(p, await source.sumdbTile(t));
      return tileCache.get(p);
    };
    const verified = await verifyModuleSet(
      modules,
      { name, head, records, readTile },
      database.verifier,
    );
    const tiles = new Map(verified.tiles);
    if (opts.proveFrom !== undefined && opts.proveFrom > 0) {
      await addConsistencyTiles(verified.tree, opts.proveFrom, readTile, tiles, name);
    }
    verifyHead(head, name, database.verifier, bundleLayout.head(name));

    const sources: BundleSource[] = [{ name: bundleLayout.head(name), data: head }];
    for (const { tile, data } of [...tiles.values()].sort((a, b) =>
      tilePath(a.tile) < tilePath(b.tile) ? -1 : 1,
    )) {
      sources.push({ name: bundleLayout.tile(name, tile), data });
    }
    const manifestModules: BundleModule[] = [];
    let zips = 0;
    for (const m of modules) {
      const rec = verified.records.get(`${m.path}@${m.version}`)!;
      sources.push({
        name: bundleLayout.lookup(name, m.path, m.version),
        data: Buffer.concat([formatRecord(rec.id, rec.text), head]),
      });
      const file = (ext: 'info' | 'mod' | 'zip') => bundleLayout.moduleFile(m.path, m.version, ext);
      if (m.info !== undefined) sources.push({ name: file('info'), data: m.info });
      sources.push({ name: file('mod'), data: m.mod });
      if (m.zipFile !== undefined) {
        sources.push({ name: file('zip'), file: m.zipFile });
        zips++;
      }
      manifestModules.push({
        path: m.path,
        version: m.version,
        files: m.zipFile === undefined ? ['mod'] : ['info', 'mod', 'zip'],
      });
    }
    const manifest = await writeBundle(
      opts.out,
      {
        created: (opts.now?.() ?? new Date()).toISOString(),
        sumdb: { name, key: database.key, treeSize: verified.tree.n },
        modules: manifestModules,
      },
      sources,
    );
    return {
      out: opts.out,
      database: name,
      treeSize: verified.tree.n,
      modules: modules.length,
      zips,
      tiles: tiles.size,
      entries: manifest.entries.length + 1,
      skipped,
    };
  } finally {
    await opts.source.close?.();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The signed head of the largest tree among `latest` and the notes after lookup records. */
function largestHead(
  candidates: readonly Buffer[],
  name: string,
  database: Pick<SumdbDatabase, 'verifier'>,
): Buffer {
  let best: { note: Buffer; n: number } | undefined;
  for (const [i, c] of candidates.entries()) {
    let note = c;
    if (i > 0) {
      try {
        note = Buffer.from(parseRecord(c).rest);
      } catch {
        continue; // a malformed record is refused by the verification
      }
      if (note.length === 0) continue;
    }
    const { n } = verifyHead(note, name, database.verifier, `sumdb/${name}/latest`);
    if (best === undefined || n > best.n) best = { note, n };
  }
  return best!.note;
}

/** Adds the tiles proving `tree` consistent with its prefix of size `from`. */
async function addConsistencyTiles(
  tree: { n: number; hash: Buffer },
  from: number,
  readTile: (t: Tile) => Promise<Buffer | undefined>,
  tiles: Map<string, { tile: Tile; data: Buffer }>,
  name: string,
): Promise<void> {
  if (from > tree.n) {
    throw new Error(
      `--prove-from ${from} is beyond the head of checksum database ${name} (size ${tree.n})`,
    );
  }
  const hashes = tileHashReader(tree, {
    height: 8,
    readTiles: (ts) =>
      Promise.all(
        ts.map(async (t) => {
          const data = await readTile(t);
          if (data === undefined) throw new Error(`cannot read ${tilePath(t)} of ${name}`);
          return data;
        }),
      ),
    saveTiles: (ts, data) =>
      ts.forEach((t, i) => tiles.set(tilePath(t), { tile: t, data: data[i]! })),
  });
  if (from < tree.n) await proveTree(tree.n, from, hashes);
  // The stored records of the older head lie left of `from`: the tiles along its right edge.
  await hashes.readHashes([storedHashIndex(0, from - 1)]);
}
