import { ModgateError } from '../../errors/index.js';
import { badMath, checkIndex, shr, trailingZeros } from './int53.js';

/**
 * The dense storage order of a log's hashes (Crosby & Wallach, "Efficient Data Structures
 * for Tamper-Evident Logging", §3.3): appending record n stores its leaf hash and then one
 * interior hash per subtree that record completes, so every hash has a fixed index.
 */

/** The stored-hash index of the hash at tree coordinates (level, n). */
export function storedHashIndex(level: number, n: number): number {
  checkIndex('level', level);
  checkIndex('n', n);
  // Level L's n'th hash is written right after level L+1's 2n+1'th hash: walk down to the
  // level-0 ordering, where hash n sits at n + n/2 + n/4 + ..., then add the level back.
  for (let l = level; l > 0; l--) n = 2 * n + 1;
  let i = 0;
  for (; n > 0; n = shr(n, 1)) i += n;
  const index = i + level;
  if (!Number.isSafeInteger(index)) {
    throw new ModgateError('invalid', `tlog: stored hash index of (${level}, ${n}) is beyond 2^53`);
  }
  return index;
}

/** The inverse of storedHashIndex: the (level, n) stored at `index`. */
export function splitStoredHashIndex(index: number): { level: number; n: number } {
  checkIndex('stored hash index', index);
  // storedHashIndex(0, n) < 2n, so the record that stored `index` is in
  // [index/2, index/2 + log₂ index].
  let n = shr(index, 1);
  let indexN = storedHashIndex(0, n);
  if (indexN > index) throw badMath('splitStoredHashIndex');
  for (;;) {
    // Record n stores 1 + trailingZeros(n+1) hashes.
    const x = indexN + 1 + trailingZeros(n + 1);
    if (x > index) break;
    n++;
    indexN = x;
  }
  // `index` was stored with record n: it is one of (0, n), (1, n/2), (2, n/4), ...
  const level = index - indexN;
  return { level, n: shr(n, level) };
}

/** How many hashes a tree of n records stores. */
export function storedHashCount(n: number): number {
  checkIndex('tree size', n);
  if (n === 0) return 0;
  // The hashes up to the last leaf's, then one per subtree that leaf completed.
  return storedHashIndex(0, n - 1) + 1 + trailingZeros(n);
}
