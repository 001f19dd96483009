import { ModgateError } from '../../errors/index.js';
import { nodeHash, type Hash } from './hash.js';
import { readHashesChecked, type HashReader } from './hash-reader.js';
import { badMath, maxpow2 } from './int53.js';
import { subTreeHash, subTreeIndex } from './tree-hash.js';

/**
 * A proof that a tree contains an earlier, smaller tree as a prefix (RFC 6962 §2.1.2
 * "Merkle consistency proof").
 */
export type TreeProof = Hash[];

function checkInputs(where: string, t: number, n: number): void {
  if (!Number.isSafeInteger(t) || !Number.isSafeInteger(n) || t < 1 || n < 1 || n > t) {
    throw new ModgateError('invalid', `tlog: invalid inputs in ${where}: t=${t}, n=${n}`);
  }
}

/** The proof that the tree of size t contains the tree of size n (1 ≤ n ≤ t) as a prefix. */
export async function proveTree(t: number, n: number, r: HashReader): Promise<TreeProof> {
  checkInputs('proveTree', t, n);
  const indexes = treeProofIndex(0, t, n, []);
  if (indexes.length === 0) return [];
  const hashes = await readHashesChecked(r, indexes);
  const [p, next] = treeProof(0, t, n, hashes, 0);
  if (next !== hashes.length) throw badMath('proveTree');
  return p;
}

/** The stored-hash indexes treeProof needs for the subtree [lo, hi). */
function treeProofIndex(lo: number, hi: number, n: number, need: number[]): number[] {
  if (!(lo < n && n <= hi)) throw badMath('treeProofIndex');
  if (n === hi) {
    if (lo === 0) return need;
    return subTreeIndex(lo, hi, need);
  }
  const { k } = maxpow2(hi - lo);
  if (n <= lo + k) {
    treeProofIndex(lo, lo + k, n, need);
    subTreeIndex(lo + k, hi, need);
  } else {
    subTreeIndex(lo, lo + k, need);
    treeProofIndex(lo + k, hi, n, need);
  }
  return need;
}

/** The sub-proof for the subtree [lo, hi), and the position after the hashes used. */
function treeProof(
  lo: number,
  hi: number,
  n: number,
  hashes: readonly Hash[],
  pos: number,
): [TreeProof, number] {
  if (!(lo < n && n <= hi)) throw badMath('treeProof');
  if (n === hi) {
    // Common ground. The whole old tree: the verifier knows its hash.
    if (lo === 0) return [[], pos];
    const [th, next] = subTreeHash(lo, hi, hashes, pos);
    return [[th], next];
  }
  const { k } = maxpow2(hi - lo);
  let p: TreeProof;
  let th: Hash;
  if (n <= lo + k) {
    [p, pos] = treeProof(lo, lo + k, n, hashes, pos);
    [th, pos] = subTreeHash(lo + k, hi, hashes, pos);
  } else {
    [th, pos] = subTreeHash(lo, lo + k, hashes, pos);
    [p, pos] = treeProof(lo + k, hi, n, hashes, pos);
  }
  p.push(th);
  return [p, pos];
}

function proofFailed(): ModgateError {
  return new ModgateError('checksum', 'invalid transparency proof');
}

/**
 * Checks that `p` proves that the tree of size t with hash th contains as a prefix the tree
 * of size n with hash h. Throws a ModgateError of kind `checksum` if it does not.
 */
export function checkTree(p: readonly Hash[], t: number, th: Hash, n: number, h: Hash): void {
  checkInputs('checkTree', t, n);
  const [h2, th2] = runTreeProof(p, p.length, 0, t, n, h);
  if (!th2.equals(th) || !h2.equals(h)) throw proofFailed();
}

/**
 * Runs the sub-proof p[0..end) for the subtree [lo, hi), where `old` is the hash of the old
 * tree of size n: returns that subtree's implied hashes in the old and in the new tree.
 */
function runTreeProof(
  p: readonly Hash[],
  end: number,
  lo: number,
  hi: number,
  n: number,
  old: Hash,
): [Hash, Hash] {
  if (!(lo < n && n <= hi)) throw badMath('runTreeProof');
  if (n === hi) {
    if (lo === 0) {
      if (end !== 0) throw proofFailed();
      return [old, old];
    }
    if (end !== 1) throw proofFailed();
    return [p[0]!, p[0]!];
  }
  if (end === 0) throw proofFailed();
  const sibling = p[end - 1]!;
  const { k } = maxpow2(hi - lo);
  if (n <= lo + k) {
    const [oh, th] = runTreeProof(p, end - 1, lo, lo + k, n, old);
    return [oh, nodeHash(th, sibling)];
  }
  const [oh, th] = runTreeProof(p, end - 1, lo + k, hi, n, old);
  return [nodeHash(sibling, oh), nodeHash(sibling, th)];
}
