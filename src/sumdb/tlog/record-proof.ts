import { ModgateError } from '../../errors/index.js';
import { nodeHash, type Hash } from './hash.js';
import { readHashesChecked, type HashReader } from './hash-reader.js';
import { badMath, maxpow2 } from './int53.js';
import { subTreeHash, subTreeIndex } from './tree-hash.js';

/**
 * A proof that a tree contains a record (RFC 6962 §2.1.1 "Merkle audit path"): the hashes
 * of the subtrees off the path from the leaf to the root, leaf end first.
 */
export type RecordProof = Hash[];

function checkInputs(where: string, t: number, n: number): void {
  if (!Number.isSafeInteger(t) || !Number.isSafeInteger(n) || t < 0 || n < 0 || n >= t) {
    throw new ModgateError('invalid', `tlog: invalid inputs in ${where}: t=${t}, n=${n}`);
  }
}

/** The proof that the tree of size t contains record n. */
export async function proveRecord(t: number, n: number, r: HashReader): Promise<RecordProof> {
  checkInputs('proveRecord', t, n);
  const indexes = leafProofIndex(0, t, n, []);
  if (indexes.length === 0) return [];
  const hashes = await readHashesChecked(r, indexes);
  const [p, next] = leafProof(0, t, n, hashes, 0);
  if (next !== hashes.length) throw badMath('proveRecord');
  return p;
}

/** The stored-hash indexes leafProof needs for leaf n in the subtree [lo, hi). */
function leafProofIndex(lo: number, hi: number, n: number, need: number[]): number[] {
  if (!(lo <= n && n < hi)) throw badMath('leafProofIndex');
  if (lo + 1 === hi) return need;
  const { k } = maxpow2(hi - lo);
  if (n < lo + k) {
    leafProofIndex(lo, lo + k, n, need);
    subTreeIndex(lo + k, hi, need);
  } else {
    subTreeIndex(lo, lo + k, need);
    leafProofIndex(lo + k, hi, n, need);
  }
  return need;
}

/** The proof for leaf n in the subtree [lo, hi), and the position after the hashes used. */
function leafProof(
  lo: number,
  hi: number,
  n: number,
  hashes: readonly Hash[],
  pos: number,
): [RecordProof, number] {
  if (!(lo <= n && n < hi)) throw badMath('leafProof');
  // At the leaf: the verifier knows its hash.
  if (lo + 1 === hi) return [[], pos];
  // Walk towards n, recording the hash of the side not taken.
  const { k } = maxpow2(hi - lo);
  let p: RecordProof;
  let th: Hash;
  if (n < lo + k) {
    [p, pos] = leafProof(lo, lo + k, n, hashes, pos);
    [th, pos] = subTreeHash(lo + k, hi, hashes, pos);
  } else {
    [th, pos] = subTreeHash(lo, lo + k, hashes, pos);
    [p, pos] = leafProof(lo + k, hi, n, hashes, pos);
  }
  p.push(th);
  return [p, pos];
}

function proofFailed(): ModgateError {
  return new ModgateError('checksum', 'invalid transparency proof');
}

/**
 * Checks that `p` proves that the tree of size t with hash th has record n with hash h.
 * Throws a ModgateError of kind `checksum` if it does not.
 */
export function checkRecord(p: readonly Hash[], t: number, th: Hash, n: number, h: Hash): void {
  checkInputs('checkRecord', t, n);
  const th2 = runRecordProof(p, p.length, 0, t, n, h);
  if (!th2.equals(th)) throw proofFailed();
}

/** The subtree hash [lo, hi) implied by the proof p[0..end) for leaf n with hash leafHash. */
function runRecordProof(
  p: readonly Hash[],
  end: number,
  lo: number,
  hi: number,
  n: number,
  leafHash: Hash,
): Hash {
  if (!(lo <= n && n < hi)) throw badMath('runRecordProof');
  if (lo + 1 === hi) {
    // At the leaf: the proof must have no hashes left over.
    if (end !== 0) throw proofFailed();
    return leafHash;
  }
  if (end === 0) throw proofFailed();
  const sibling = p[end - 1]!;
  const { k } = maxpow2(hi - lo);
  if (n < lo + k) {
    return nodeHash(runRecordProof(p, end - 1, lo, lo + k, n, leafHash), sibling);
  }
  return nodeHash(sibling, runRecordProof(p, end - 1, lo + k, hi, n, leafHash));
}
