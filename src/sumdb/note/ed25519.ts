import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Ed25519 through node:crypto, from the raw 32-byte keys the note format carries.
 * Node only imports keys in DER containers, so the raw bytes are wrapped in the fixed
 * SubjectPublicKeyInfo / PKCS#8 prefixes for the Ed25519 OID (1.3.101.112).
 */

/** The algorithm byte that precedes an Ed25519 key in encoded keys. The only one defined. */
export const ALG_ED25519 = 1;
export const ED25519_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A public key object from 32 raw public-key bytes. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
}

/** A private key object from a 32-byte seed (what the signer key format stores). */
export function ed25519PrivateKey(seed: Uint8Array): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

/** The 32 raw public-key bytes belonging to a private key. */
export function ed25519RawPublicKey(privateKey: KeyObject): Buffer {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - ED25519_KEY_SIZE);
}

export function ed25519Sign(privateKey: KeyObject, msg: Uint8Array): Buffer {
  return sign(null, msg, privateKey);
}

/** Never throws: a signature of the wrong size is simply not valid. */
export function ed25519Verify(publicKey: KeyObject, msg: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== ED25519_SIGNATURE_SIZE) return false;
  try {
    return verify(null, msg, publicKey, sig);
  } catch {
    return false;
  }
}
