import { ModgateError } from '../../errors/index.js';
import { HASH_SIZE, nodeHash, type Hash } from './hash.js';
import { readHashesChecked, type HashReader } from './hash-reader.js';
import { badMath, shl } from './int53.js';
import { storedHashIndex } from './stored-hash-index.js';
import { tilePath, type Tile } from './tile.js';
import { tileRangeForIndex } from './tile-for-index.js';

/**
 * A hash tile's data (its W hashes concatenated, W×32 bytes, what `/tile/...` serves),
 * read from the log's stored hashes. Only hash tiles (l ≥ 0); data tiles hold records.
 */
export async function readTileData(t: Tile, r: HashReader): Promise<Buffer> {
  if (t.l < 0) {
    throw new ModgateError('invalid', `tlog: ${tilePath(t)} is a data tile, not a hash tile`);
  }
  if (
    !Number.isInteger(t.h) ||
    t.h < 1 ||
    t.h > 30 ||
    !Number.isInteger(t.w) ||
    t.w < 0 ||
    t.w > 2 ** t.h
  ) {
    throw new ModgateError('invalid', `tlog: invalid tile ${tilePath(t)}`);
  }
  const size = t.w === 0 ? 2 ** t.h : t.w;
  const start = shl(t.n, t.h);
  const indexes = new Array<number>(size);
  for (let i = 0; i < size; i++) indexes[i] = storedHashIndex(t.h * t.l, start + i);
  return Buffer.concat(await readHashesChecked(r, indexes));
}

/**
 * The hash at stored-hash index `index`, taken from tile t's data. `t` must be
 * tileForIndex(t.h, index) or a wider tile of the same coordinates; `data` holds at least
 * t.w hashes. Throws `invalid` otherwise.
 */
export function hashFromTile(t: Tile, data: Uint8Array, index: number): Hash {
  if (t.h < 1 || t.h > 30 || t.l < 0 || t.l >= 64 || t.w < 1 || t.w > 2 ** t.h) {
    throw new ModgateError('invalid', `tlog: invalid tile ${tilePath(t)}`);
  }
  if (data.length < t.w * HASH_SIZE) {
    throw new ModgateError(
      'invalid',
      `tlog: data length ${data.length} too short for tile ${tilePath(t)}`,
    );
  }
  const { tile: t1, start, end } = tileRangeForIndex(t.h, index);
  if (t.l !== t1.l || t.n !== t1.n || t.w < t1.w) {
    throw new ModgateError(
      'invalid',
      `tlog: index ${index} is in ${tilePath(t1)} not ${tilePath(t)}`,
    );
  }
  return tileHash(Buffer.from(data.buffer, data.byteOffset, data.length).subarray(start, end));
}

/** The Merkle fold of 2^k concatenated hashes (k ≥ 0): the root of the subtree above them. */
export function tileHash(data: Buffer): Hash {
  if (data.length === 0 || data.length % HASH_SIZE !== 0) throw badMath('tileHash');
  if (data.length === HASH_SIZE) return Buffer.from(data);
  const half = data.length / 2;
  return nodeHash(tileHash(data.subarray(0, half)), tileHash(data.subarray(half)));
}
