/**
 * `modgate mirror import`: a bundle is spooled to a temporary directory and verified whole —
 * manifest hashes, the signed head against the configured database key, every record against
 * the head through the bundled tiles, every zip against the x/mod rules and its record's h1,
 * every .mod and .info — and merged with what storage holds (no stored file may differ; the
 * heads must be consistent) before anything is written. A refusal names the entry and the
 * check (BundleError) and stores nothing. Importing the same bundle again changes nothing.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Storage } from '../storage/index.js';
import type { SumdbDatabase } from '../sumdb/gosumdb-config.js';
import {
  formatRecord,
  parseRecord,
  parseTilePath,
  storedHashIndex,
  tileHashReader,
  tilePath,
  type Tile,
  type TileReader,
  type Tree,
} from '../sumdb/tlog/index.js';
import { BundleError } from './bundle-error.js';
import { bundleLayout } from './bundle-layout.js';
import type { BundleManifest } from './bundle-manifest.js';
import { spoolBundle } from './bundle-reader.js';
import { mergeHeads, tileOfKey } from './merge-heads.js';
import { verifyModuleSet, type ModuleVersionFiles } from './verify-module-set.js';

export interface ImportOptions {
  readonly storage: Storage;
  /** The configured checksum databases (sumdb.databases): the bundle's must be one of them. */
  readonly databases: readonly Pick<SumdbDatabase, 'name' | 'verifier'>[];
  /** Where to spool the bundle (default: the system temp directory). */
  readonly tmpDir?: string;
}

export interface ImportReport {
  readonly database: string;
  readonly modules: number;
  /** Keys written. */
  readonly stored: readonly string[];
  /** Entries already stored with the same content (or the same record). */
  readonly unchanged: number;
  /** Tree sizes of the stored head before and after (before undefined: none). */
  readonly head: { readonly before: number | undefined; readonly after: number };
  /** True when the import wrote nothing: everything was there already. */
  readonly nothingChanged: boolean;
}

/** Imports the bundle read from `input`; throws BundleError (storing nothing) on refusal. */
export async function importBundle(input: Readable, opts: ImportOptions): Promise<ImportReport> {
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'modgate-import-'));
  try {
    const spooled = await spoolBundle(input, dir);
    return await importSpooled(spooled.manifest, spooled.files, opts);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function importSpooled(
  manifest: BundleManifest,
  files: ReadonlyMap<string, string>,
  opts: ImportOptions,
): Promise<ImportReport> {
  const { storage } = opts;
  const name = manifest.sumdb.name;
  const db = opts.databases.find((d) => d.name === name);
  if (db === undefined) {
    const known = opts.databases.map((d) => d.name).join(', ') || 'none';
    throw new BundleError(
      'manifest.json',
      'signature',
      `the bundle's checksum database ${name} is not configured (sumdb.databases: ${known}): add its key to verify the bundle`,
    );
  }
  const sha = new Map(manifest.entries.map((e) => [e.name, e.sha256]));
  const used = new Set<string>();
  const take = (key: string, what: string): string => {
    const file = files.get(key);
    if (file === undefined) throw new BundleError(key, 'manifest', `missing: ${what}`);
    used.add(key);
    return file;
  };

  const headKey = bundleLayout.head(name);
  const head = await readFile(take(headKey, 'the signed tree head'));
  const modules: ModuleVersionFiles[] = [];
  const records = new Map<string, Buffer>();
  for (const m of manifest.modules) {
    const mv = `${m.path}@${m.version}`;
    const key = (ext: 'info' | 'mod' | 'zip'): string => {
      try {
        return bundleLayout.moduleFile(m.path, m.version, ext);
      } catch (err) {
        throw new BundleError(mv, 'manifest', (err as Error).message, { kind: 'invalid' });
      }
    };
    const lookupKey = bundleLayout.lookup(name, m.path, m.version);
    if (files.has(lookupKey)) records.set(mv, await readFile(take(lookupKey, 'record')));
    modules.push({
      path: m.path,
      version: m.version,
      label: key('mod').replace(/\.mod$/, ''),
      mod: await readFile(take(key('mod'), `the .mod of ${mv}`)),
      ...(m.files.includes('info')
        ? { info: await readFile(take(key('info'), `the .info of ${mv}`)) }
        : {}),
      ...(m.files.includes('zip') ? { zipFile: take(key('zip'), `the .zip of ${mv}`) } : {}),
    });
  }
  const bundledTiles = new Map<string, string>();
  for (const key of files.keys()) {
    const t = tileOfKey(name, key);
    if (t === undefined || t.h !== 8 || t.l < 0) continue;
    bundledTiles.set(tilePath(t), key);
    used.add(key);
  }
  for (const key of files.keys()) {
    if (!used.has(key)) {
      throw new BundleError(key, 'manifest', 'an entry that belongs to no module of the bundle');
    }
  }
  const readTile = async (t: Tile): Promise<Buffer | undefined> => {
    const key = bundledTiles.get(tilePath(t));
    return key === undefined ? undefined : readFile(files.get(key)!);
  };

  const verified = await verifyModuleSet(
    modules,
    { name, head, records, readTile, recordLabel: (mv) => `record of ${mv}` },
    db.verifier,
  );
  const extra = await authenticateTiles(
    verified.tree,
    name,
    bundledTiles,
    verified.tiles,
    readTile,
  );
  const merged = await mergeHeads({
    storage,
    name,
    verifier: db.verifier,
    note: head,
    tree: verified.tree,
    records: verified.records,
    readTile,
  });

  // The writes, each checked against what is stored: equal → unchanged; different → refused.
  type Write = { key: string; data: Buffer } | { key: string; file: string; size: number };
  const writes: Write[] = [];
  let unchanged = 0;
  const plan = async (w: Write, same: (stored: Buffer) => boolean, sha256?: string) => {
    const existing =
      sha256 !== undefined && 'file' in w
        ? await storedSha256(storage, w.key)
        : await storage.getBytes(w.key);
    if (existing === null) {
      writes.push(w);
      return;
    }
    const equal = typeof existing === 'string' ? existing === sha256 : same(existing as Buffer);
    if (!equal) {
      throw new BundleError(
        w.key,
        'immutability',
        'storage already holds a different file under this key; a stored file is never overwritten',
      );
    }
    unchanged++;
  };
  const allTiles = new Map([...verified.tiles, ...extra, ...merged.tiles]);
  for (const { tile, data } of allTiles.values()) {
    await plan({ key: bundleLayout.tile(name, tile), data }, (s) => s.equals(data));
  }
  for (const [mv, rec] of verified.records) {
    const at = mv.lastIndexOf('@');
    const key = bundleLayout.lookup(name, mv.slice(0, at), mv.slice(at + 1));
    const data = Buffer.concat([formatRecord(rec.id, rec.text), head]);
    await plan({ key, data }, (s) => {
      try {
        const r = parseRecord(s);
        return r.id === rec.id && Buffer.from(r.text).equals(rec.text);
      } catch {
        return false;
      }
    });
  }
  for (const m of manifest.modules) {
    for (const ext of m.files) {
      const key = bundleLayout.moduleFile(m.path, m.version, ext);
      const file = files.get(key)!;
      if (ext === 'zip') {
        await plan({ key, file, size: (await stat(file)).size }, () => false, sha.get(key));
      } else {
        const data = await readFile(file);
        await plan({ key, data }, (s) => s.equals(data));
      }
    }
  }

  // Everything verified: store, the head last (it is served only once its tiles are there).
  for (const w of writes) {
    if ('data' in w) await storage.putBytes(w.key, w.data);
    else await storage.putFile(w.key, w.file, w.size);
  }
  const stored = writes.map((w) => w.key);
  if (merged.changed) {
    await storage.putBytes(bundleLayout.head(name), merged.note);
    stored.push(bundleLayout.head(name));
  } else {
    unchanged++;
  }
  return {
    database: name,
    modules: manifest.modules.length,
    stored,
    unchanged,
    head: { before: merged.before, after: merged.tree.n },
    nothingChanged: stored.length === 0,
  };
}

/**
 * The bundled tiles no record proof used (those that link the head to an older one,
 * `--prove-from`), authenticated against the head like the others: kept for later merges.
 */
async function authenticateTiles(
  tree: Tree,
  name: string,
  bundled: ReadonlyMap<string, string>,
  done: ReadonlyMap<string, unknown>,
  readTile: (t: Tile) => Promise<Buffer | undefined>,
): Promise<Map<string, { tile: Tile; data: Buffer }>> {
  const out = new Map<string, { tile: Tile; data: Buffer }>();
  const reader: TileReader = {
    height: 8,
    readTiles: (ts) =>
      Promise.all(
        ts.map(async (t) => {
          const data = await readTile(t);
          if (data === undefined || data.length !== t.w * 32) {
            throw new BundleError(bundleLayout.tile(name, t), 'tile', 'missing or malformed');
          }
          return data;
        }),
      ),
    saveTiles: (ts, data) =>
      ts.forEach((t, i) => out.set(tilePath(t), { tile: t, data: data[i]! })),
  };
  const hashes = tileHashReader(tree, reader);
  for (const [path, key] of bundled) {
    if (done.has(path) || out.has(path)) continue;
    const t = parseTilePath(path);
    try {
      await hashes.readHashes([storedHashIndex(t.l * t.h, t.n * 2 ** t.h + t.w - 1)]);
    } catch (err) {
      if (err instanceof BundleError) throw err;
      throw new BundleError(
        key,
        'tile',
        `${(err as Error).message}: not a tile of the signed tree head`,
        {
          cause: err,
        },
      );
    }
    if (!out.has(path)) {
      throw new BundleError(key, 'tile', `not a tile of the tree of size ${tree.n} at this width`);
    }
  }
  return out;
}

/** SHA-256 (hex) of a stored file, or null when there is none. */
async function storedSha256(storage: Storage, key: string): Promise<string | null> {
  const found = await storage.openRead(key);
  if (found === null) return null;
  const hash = createHash('sha256');
  for await (const chunk of found.stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
