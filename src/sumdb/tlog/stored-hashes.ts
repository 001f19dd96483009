import { recordHash, nodeHash, type Hash } from './hash.js';
import { readHashesChecked, type HashReader } from './hash-reader.js';
import { checkIndex, shr, trailingZeros } from './int53.js';
import { storedHashIndex } from './stored-hash-index.js';

/**
 * The hashes to store when appending record n with `data`, to be written starting at
 * storedHashIndex(0, n): the record hash, then one node hash per subtree the record
 * completes (one per trailing 1-bit of n). Reads up to log₂ n earlier hashes from `r`.
 */
export function storedHashes(n: number, data: Uint8Array | string, r: HashReader): Promise<Hash[]> {
  return storedHashesForRecordHash(n, recordHash(data), r);
}

/** Like storedHashes, given recordHash(data) instead of the data. */
export async function storedHashesForRecordHash(
  n: number,
  h: Hash,
  r: HashReader,
): Promise<Hash[]> {
  checkIndex('record id', n);
  const m = trailingZeros(n + 1);
  // Sibling subtrees, in increasing index order: n>>i is odd, its left sibling is n>>i - 1.
  const indexes = new Array<number>(m);
  for (let i = 0; i < m; i++) indexes[m - 1 - i] = storedHashIndex(i, shr(n, i) - 1);
  const old = await readHashesChecked(r, indexes);
  const hashes = [h];
  for (let i = 0; i < m; i++) {
    h = nodeHash(old[m - 1 - i]!, h);
    hashes.push(h);
  }
  return hashes;
}
