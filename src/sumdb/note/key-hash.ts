import { createHash } from 'node:crypto';

/**
 * The 32-bit key hash that identifies a public key next to its name: the first four bytes,
 * big-endian, of SHA-256(name || "\n" || key), where `key` is the encoded public key
 * (algorithm byte followed by the key bytes). Returned as an unsigned number.
 */
export function keyHash(name: string, key: Uint8Array): number {
  const sum = createHash('sha256').update(name, 'utf8').update('\n').update(key).digest();
  return sum.readUInt32BE(0);
}

/** A key hash as the 8 lower-case hex digits used in keys and error messages. */
export function formatKeyHash(hash: number): string {
  return hash.toString(16).padStart(8, '0');
}
