import * as crypto from 'node:crypto';
import { ModgateError } from '../../errors/index.js';
import { decodeBase64Strict } from '../strict-decode.js';

/**
 * A 32-byte SHA-256 hash identifying a record or a (sub)tree. Plain Buffers: compare them
 * with `.equals`, print them with formatHash.
 */
export type Hash = Buffer;

export const HASH_SIZE = 32;

// Tile authentication computes many small hashes; the one-shot crypto.hash (Node ≥ 20.12)
// is several times faster than createHash for them. Fall back on older Node 20 releases.
const oneShot = (crypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer })
  .hash;
function sha256(data: Uint8Array): Buffer {
  return oneShot
    ? oneShot('sha256', data, 'buffer')
    : crypto.createHash('sha256').update(data).digest();
}

/** The hash of a record's data: SHA-256(0x00 || data) (RFC 6962 §2.1 leaf hash). */
export function recordHash(data: Uint8Array | string): Hash {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const buf = Buffer.allocUnsafe(1 + bytes.length);
  buf[0] = 0x00;
  buf.set(bytes, 1);
  return sha256(buf);
}

/** The hash of an interior node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new ModgateError('invalid', 'tlog: a hash must have 32 bytes');
  }
  const buf = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 1 + HASH_SIZE);
  return sha256(buf);
}

/** The hash of the empty tree: 32 zero bytes (not the SHA-256 of nothing). */
export function zeroHash(): Hash {
  return Buffer.alloc(HASH_SIZE);
}

/** A hash as padded standard base64, the form used in tree notes and proofs. */
export function formatHash(h: Hash): string {
  return h.toString('base64');
}

/** Parses padded standard base64 of exactly 32 bytes; throws `invalid` otherwise. */
export function parseHash(s: string): Hash {
  const h = decodeBase64Strict(s);
  if (h === undefined || h.length !== HASH_SIZE) {
    throw new ModgateError('invalid', `malformed hash ${JSON.stringify(s)}`);
  }
  return h;
}
