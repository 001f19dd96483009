import { nodeHash, zeroHash, type Hash } from './hash.js';
import { readHashesChecked, type HashReader } from './hash-reader.js';
import { badMath, checkIndex, maxpow2 } from './int53.js';
import { storedHashIndex } from './stored-hash-index.js';

/**
 * The root hash of the tree of the first n records (RFC 6962 MTH), from the hashes stored
 * while those records were appended. One readHashes call of at most 1 + log₂ n hashes.
 * The empty tree's hash is 32 zero bytes.
 */
export async function treeHash(n: number, r: HashReader): Promise<Hash> {
  checkIndex('tree size', n);
  if (n === 0) return zeroHash();
  const indexes = subTreeIndex(0, n, []);
  const hashes = await readHashesChecked(r, indexes);
  const [hash, next] = subTreeHash(0, n, hashes, 0);
  if (next !== hashes.length) throw badMath('treeHash');
  return hash;
}

/**
 * Appends to `need` the stored-hash indexes from which the hash of the subtree of records
 * [lo, hi) is computed: the maximal power-of-two chunks from the left.
 */
export function subTreeIndex(lo: number, hi: number, need: number[]): number[] {
  while (lo < hi) {
    const { k, l } = maxpow2(hi - lo + 1);
    if (lo % k !== 0) throw badMath('subTreeIndex');
    need.push(storedHashIndex(l, lo / k));
    lo += k;
  }
  return need;
}

/**
 * The hash of the subtree of records [lo, hi) from `hashes[start..]`, which hold the hashes
 * at subTreeIndex(lo, hi): the chunks folded from the right. Returns the hash and the
 * position of the first hash not consumed.
 */
export function subTreeHash(
  lo: number,
  hi: number,
  hashes: readonly Hash[],
  start: number,
): [Hash, number] {
  let numTree = 0;
  while (lo < hi) {
    const { k } = maxpow2(hi - lo + 1);
    if (lo % k !== 0) throw badMath('subTreeHash');
    numTree++;
    lo += k;
  }
  if (numTree === 0 || hashes.length - start < numTree) throw badMath('subTreeHash');
  let h = hashes[start + numTree - 1]!;
  for (let i = numTree - 2; i >= 0; i--) h = nodeHash(hashes[start + i]!, h);
  return [h, start + numTree];
}
