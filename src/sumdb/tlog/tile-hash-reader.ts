import { ModgateError } from '../../errors/index.js';
import type { AuthenticatedTiles } from './authenticated-tiles.js';
import { HASH_SIZE, nodeHash, type Hash } from './hash.js';
import type { HashReader } from './hash-reader.js';
import { badMath, shl, shr } from './int53.js';
import { storedHashIndex } from './stored-hash-index.js';
import { tilePath, type Tile } from './tile.js';
import { hashFromTile, tileHash } from './tile-data.js';
import { tileForIndex } from './tile-for-index.js';
import { subTreeIndex } from './tree-hash.js';
import type { Tree } from './tree.js';

/**
 * Reads hash tiles of one height from a checksum database (a cache, the network, or both).
 *
 * Tiles from readTiles are suspect until the tileHashReader has authenticated them; it then
 * calls saveTiles with exactly those tiles, and only then may they go into a persistent
 * cache (see https://research.swtch.com/tlog#authenticating_tiles).
 */
export interface TileReader {
  /** The tile height, 1..30 (8 for sum.golang.org). */
  readonly height: number;
  /** One buffer of exactly tiles[i].w × 32 bytes per tile, in order, or throw. */
  readTiles(tiles: readonly Tile[]): Promise<readonly Buffer[]> | readonly Buffer[];
  /** The tiles (and data) just returned by readTiles are authentic. */
  saveTiles(tiles: readonly Tile[], data: readonly Buffer[]): Promise<void> | void;
}

/**
 * A HashReader over the tiles of the signed tree `tree`: every hash it returns has been
 * proved to belong to that tree. For each call it fetches the tiles covering the tree's
 * own root (recomputing tree.hash from them authenticates them), plus the tiles holding the
 * requested hashes and any parents needed in between; each of those is full, and its fold
 * must equal the entry for it in its (already authenticated) parent tile.
 * Throws `checksum` when the tiles do not match the tree, `invalid` for an index outside
 * the tree.
 *
 * Unlike golang.org/x/mod v0.7.0's TileHashReader, which starts the parent check at
 * position len(stx) of its tile list and so skips some tiles whenever two root-covering
 * hashes share a tile, every non-root tile is checked here.
 */
export function tileHashReader(
  tree: Tree,
  tr: TileReader,
  /** Tiles proved against `tree` before (and where this reader keeps the ones it proves). */
  proved?: AuthenticatedTiles,
): HashReader {
  return { readHashes: (indexes) => readTileHashes(tree, tr, indexes, proved) };
}

/**
 * t's k'th tile parent in the tiles of a tree of size n, as wide as the tree allows
 * (k = 0: t itself, widened), or undefined if the tree has no such tile.
 */
function tileParent(t: Tile, k: number, n: number): Tile | undefined {
  const l = t.l + k;
  const tn = shr(t.n, k * t.h);
  let w = 2 ** t.h;
  const max = shr(n, l * t.h);
  const start = shl(tn, t.h);
  if (start + w >= max) {
    if (start >= max) return undefined;
    w = max - start;
  }
  return { h: t.h, l, n: tn, w };
}

/** The hashes at `indexes` if every tile holding one was proved against `tree` before. */
function provedHashes(
  tree: Tree,
  h: number,
  indexes: readonly number[],
  proved: AuthenticatedTiles,
): Hash[] | undefined {
  const hashes: Hash[] = [];
  for (const x of indexes) {
    const t = tileParent(tileForIndex(h, x), 0, tree.n);
    const data = t && proved.get(tree, t);
    if (t === undefined || data === undefined) return undefined;
    hashes.push(hashFromTile(t, data, x));
  }
  return hashes;
}

async function readTileHashes(
  tree: Tree,
  tr: TileReader,
  indexes: readonly number[],
  proved: AuthenticatedTiles | undefined,
): Promise<Hash[]> {
  if (indexes.length === 0) return [];
  const h = tr.height;
  const end = storedHashIndex(0, tree.n);
  for (const x of indexes) {
    if (!Number.isSafeInteger(x) || x < 0 || x >= end) {
      throw new ModgateError('invalid', `tlog: index ${x} not in tree of size ${tree.n}`);
    }
  }
  if (proved !== undefined) {
    const known = provedHashes(tree, h, indexes, proved);
    if (known !== undefined) return known;
  }

  const tileOrder = new Map<string, number>(); // tilePath → position in tiles
  const tiles: Tile[] = [];
  const add = (t: Tile): number => {
    tileOrder.set(tilePath(t), tiles.length);
    tiles.push(t);
    return tiles.length - 1;
  };

  // The tiles needed to recompute the tree hash: if it matches, they are authentic.
  const stx = subTreeIndex(0, tree.n, []);
  const stxTileOrder = stx.map((x) => {
    const t = tileParent(tileForIndex(h, x), 0, tree.n);
    if (t === undefined) throw badMath('tileHashReader');
    return tileOrder.get(tilePath(t)) ?? add(t);
  });
  const numRootTiles = tiles.length;

  // The tiles holding the requested hashes, each preceded by the parents that authenticate
  // it (usually among the root tiles already).
  const indexTileOrder = indexes.map((x) => {
    const tile = tileForIndex(h, x);
    let k = 0;
    let found: number | undefined;
    for (; ; k++) {
      const p = tileParent(tile, k, tree.n);
      if (p === undefined) throw badMath('tileHashReader: no authenticated parent');
      found = tileOrder.get(tilePath(p));
      if (found !== undefined) break;
    }
    // Walk back down, recording child tiles after their parents; ends at the tile itself.
    for (k--; k >= 0; k--) {
      const p = tileParent(tile, k, tree.n)!;
      // Only full tiles have parents; this one has a parent, so it must be full.
      if (p.w !== 2 ** p.h) throw badMath(`tileHashReader: ${tilePath(p)} is partial`);
      found = add(p);
    }
    return found;
  });

  const data = await tr.readTiles(tiles);
  if (data.length !== tiles.length) {
    throw new ModgateError(
      'internal',
      `tlog: readTiles returned ${data.length} tiles, want ${tiles.length}`,
    );
  }
  tiles.forEach((t, i) => {
    if (data[i]!.length !== t.w * HASH_SIZE) {
      throw new ModgateError(
        'internal',
        `tlog: readTiles returned ${data[i]!.length} bytes for ${tilePath(t)}, want ${t.w * HASH_SIZE}`,
      );
    }
  });

  // Authenticate the root tiles against the signed tree hash.
  const last = stx.length - 1;
  let th = hashFromTile(tiles[stxTileOrder[last]!]!, data[stxTileOrder[last]!]!, stx[last]!);
  for (let i = last - 1; i >= 0; i--) {
    const j = stxTileOrder[i]!;
    th = nodeHash(hashFromTile(tiles[j]!, data[j]!, stx[i]!), th);
  }
  if (!th.equals(tree.hash)) {
    // At least one tile is wrong; which one is unknowable.
    throw new ModgateError('checksum', 'downloaded inconsistent tile');
  }

  // Authenticate every other tile against its parent, parents first.
  for (let i = numRootTiles; i < tiles.length; i++) {
    const tile = tiles[i]!;
    const p = tileParent(tile, 1, tree.n);
    const j = p && tileOrder.get(tilePath(p));
    if (p === undefined || j === undefined) throw badMath('tileHashReader: lost parent');
    const want = hashFromTile(p, data[j]!, storedHashIndex(p.l * p.h, tile.n));
    if (!want.equals(tileHash(data[i]!))) {
      throw new ModgateError('checksum', 'downloaded inconsistent tile');
    }
  }

  await tr.saveTiles(tiles, data);
  proved?.add(tree, tiles, data);

  return indexes.map((x, i) => {
    const j = indexTileOrder[i]!;
    return hashFromTile(tiles[j]!, data[j]!, x);
  });
}
