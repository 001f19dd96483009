import { ModgateError } from '../errors/index.js';
import type { Storage } from '../storage/index.js';
import type { Verifier } from '../sumdb/note/index.js';
import {
  checkTree,
  parseRecord,
  parseTilePath,
  proveTree,
  recordHash,
  storedHashIndex,
  tileHashReader,
  tilePath,
  type Tile,
  type TileReader,
  type Tree,
} from '../sumdb/tlog/index.js';
import { BundleError } from './bundle-error.js';
import { bundleLayout } from './bundle-layout.js';
import { verifyHead, type VerifiedRecord } from './verify-module-set.js';

/** What merging a verified head into storage decided. */
export interface MergedHead {
  /** The head storage is to serve: the larger of the two, proved consistent. */
  readonly note: Buffer;
  readonly tree: Tree;
  /** The stored head's size before (undefined: none). */
  readonly before: number | undefined;
  /** Whether `note` differs from the stored head. */
  readonly changed: boolean;
  /** Tiles authenticated against `tree` on the way: they must be stored too. */
  readonly tiles: ReadonlyMap<string, { tile: Tile; data: Buffer }>;
}

export interface MergeHeadsInput {
  readonly storage: Storage;
  readonly name: string;
  readonly verifier: Verifier;
  /** The incoming signed head (already verified) and its tree. */
  readonly note: Buffer;
  readonly tree: Tree;
  /** The incoming records (already proved in `tree`). */
  readonly records: ReadonlyMap<string, VerifiedRecord>;
  /** The incoming tiles (suspect until authenticated; undefined when absent). */
  readonly readTile: (tile: Tile) => Promise<Buffer | undefined>;
}

/**
 * Merges an incoming signed tree head with the one storage holds, so that the head served
 * stays consistent with every stored record: the larger head wins, but only once the smaller
 * one is proved to be its prefix (a tlog tree proof) and every record — the stored ones and
 * the incoming ones — is proved to be in it, through tiles authenticated against it (from the
 * incoming set or storage). Those tiles are returned, to be stored: a go client that has seen
 * the larger head asks for exactly them. Throws BundleError `consistency` when the heads fork
 * or the proof needs a tile neither side holds, `signature` when the stored head does not
 * verify with the key.
 */
export async function mergeHeads(input: MergeHeadsInput): Promise<MergedHead> {
  const { storage, name } = input;
  const headKey = bundleLayout.head(name);
  const storedNote = await storage.getBytes(headKey);
  if (storedNote === null || storedNote.length === 0) {
    return {
      note: input.note,
      tree: input.tree,
      before: undefined,
      changed: true,
      tiles: new Map(),
    };
  }
  const stored = verifyHead(storedNote, name, input.verifier, `stored head ${headKey}`);
  if (stored.n === input.tree.n && stored.hash.equals(input.tree.hash)) {
    return { note: storedNote, tree: stored, before: stored.n, changed: false, tiles: new Map() };
  }
  const incomingIsLarger = input.tree.n > stored.n;
  const big = incomingIsLarger ? input.tree : stored;
  const small = incomingIsLarger ? stored : input.tree;
  const sizes = `the bundle's head (size ${input.tree.n}) and the stored head (size ${stored.n})`;

  const tiles = new Map<string, { tile: Tile; data: Buffer }>();
  const memo = new Map<string, Buffer | undefined>();
  const read = async (t: Tile): Promise<Buffer> => {
    const path = tilePath(t);
    if (!memo.has(path)) {
      memo.set(
        path,
        (await input.readTile(t)) ??
          (await storage.getBytes(bundleLayout.tile(name, t))) ??
          undefined,
      );
    }
    const data = memo.get(path);
    if (data === undefined) {
      throw new BundleError(
        bundleLayout.tile(name, t),
        'consistency',
        `cannot prove ${sizes} consistent: this tile of the larger head is neither in the bundle nor stored (export the newer bundle again with --prove-from ${small.n}: see docs/mirror.md)`,
      );
    }
    return data;
  };
  const reader: TileReader = {
    height: 8,
    readTiles: (ts) => Promise.all(ts.map(read)),
    saveTiles: (ts, data) =>
      ts.forEach((t, i) => tiles.set(tilePath(t), { tile: t, data: data[i]! })),
  };
  const hashes = tileHashReader(big, reader);
  const failed = (what: string, err: unknown): never => {
    if (err instanceof BundleError) throw err;
    throw new BundleError(
      'head',
      'consistency',
      `${sizes}: ${what}: ${(err as Error).message} — the two do not belong to one checksum-database history (a fork); nothing was imported`,
      { cause: err },
    );
  };
  if (small.n > 0) {
    try {
      const proof = await proveTree(big.n, small.n, hashes);
      checkTree(proof, big.n, big.hash, small.n, small.hash);
    } catch (err) {
      failed('tree proof', err);
    }
  }

  // Every record must be in the head served (a go client checks each against its latest).
  const check = async (label: string, id: number, text: Buffer) => {
    let leaf: Buffer;
    try {
      [leaf] = (await hashes.readHashes([storedHashIndex(0, id)])) as [Buffer];
    } catch (err) {
      return failed(`proving ${label}`, err);
    }
    if (!leaf.equals(recordHash(text))) {
      throw new BundleError(label, 'consistency', `${sizes}: record ${id} differs (a fork)`);
    }
  };
  for (const [mv, rec] of input.records) await check(`record of ${mv}`, rec.id, rec.text);
  for (const key of await storage.list(bundleLayout.lookupPrefix(name))) {
    const data = await storage.getBytes(key);
    if (data === null) continue;
    let rec;
    try {
      rec = parseRecord(data);
    } catch (err) {
      throw new ModgateError('internal', `stored ${key} is not a lookup answer`, { cause: err });
    }
    await check(`stored ${key}`, rec.id, Buffer.from(rec.text));
  }
  return {
    note: incomingIsLarger ? input.note : storedNote,
    tree: big,
    before: stored.n,
    changed: incomingIsLarger,
    tiles,
  };
}

/** The tile of a stored key under `sumdb/<name>/tile/`, or undefined. */
export function tileOfKey(name: string, key: string): Tile | undefined {
  const prefix = `sumdb/${name}/`;
  if (!key.startsWith(bundleLayout.tilePrefix(name))) return undefined;
  try {
    return parseTilePath(key.slice(prefix.length));
  } catch {
    return undefined;
  }
}
