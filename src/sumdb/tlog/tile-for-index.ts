import { ModgateError } from '../../errors/index.js';
import { HASH_SIZE } from './hash.js';
import { shl, shr } from './int53.js';
import { splitStoredHashIndex } from './stored-hash-index.js';
import type { Tile } from './tile.js';

/**
 * The narrowest tile of height h ≥ 1 that holds the hash at stored-hash index `index`.
 * A hash above a tile's bottom level is not in its data but is the Merkle fold of a
 * run of its hashes, so the tile is as wide as needed to hold that whole run.
 */
export function tileForIndex(h: number, index: number): Tile {
  return tileRangeForIndex(h, index).tile;
}

/**
 * tileForIndex, plus the byte range [start, end) of the tile data whose fold (tileHash)
 * is the hash at `index`.
 */
export function tileRangeForIndex(
  h: number,
  index: number,
): { tile: Tile; start: number; end: number } {
  if (!Number.isInteger(h) || h < 1 || h > 30) {
    throw new ModgateError('invalid', `tlog: invalid tile height ${h}`);
  }
  const split = splitStoredHashIndex(index);
  const l = Math.floor(split.level / h);
  const level = split.level - l * h; // level within the tile
  const n = shr(shl(split.n, level), h);
  const within = split.n - shr(shl(n, h), level); // position within the tile, at `level`
  const w = shl(within + 1, level);
  return {
    tile: { h, l, n, w },
    start: shl(within, level) * HASH_SIZE,
    end: w * HASH_SIZE,
  };
}
