import { ModgateError } from '../../errors/index.js';
import { decodeBase64Strict } from '../strict-decode.js';
import { chop } from './chop.js';
import { ALG_ED25519, ED25519_KEY_SIZE, ed25519PublicKey, ed25519Verify } from './ed25519.js';
import { formatKeyHash, keyHash } from './key-hash.js';
import { isValidKeyName } from './key-name.js';

/** Verifies signatures made with one specific key. */
export interface Verifier {
  /** The server name associated with the key. */
  readonly name: string;
  /** The 32-bit key hash (unsigned). */
  readonly keyHash: number;
  /** Whether `sig` is a valid signature of `msg`. Never throws. */
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
}

function malformed(reason: string): ModgateError {
  return new ModgateError('invalid', `malformed verifier key: ${reason}`);
}

/**
 * Parses a verifier key `<name>+<hash>+<keydata>` (for example sum.golang.org's
 * `sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8`).
 *
 * The key is split at the first two `+` only; `hash` is 8 hex digits (either case);
 * `keydata` is padded standard base64 of the algorithm byte (1 = Ed25519) and the 32-byte
 * public key; the hash must equal keyHash(name, keydata). Throws a ModgateError of kind
 * `invalid` otherwise.
 */
export function newVerifier(vkey: string): Verifier {
  const [name, rest] = chop(vkey, '+');
  const [hash16, key64] = chop(rest, '+');
  if (!isValidKeyName(name)) throw malformed('the name is empty or has a space or "+"');
  if (!/^[0-9a-fA-F]{8}$/.test(hash16)) throw malformed('the key hash is not 8 hex digits');
  const key = decodeBase64Strict(key64);
  if (key === undefined || key.length === 0) {
    throw malformed('the key data is not base64');
  }
  const hash = Number.parseInt(hash16, 16);
  if (hash !== keyHash(name, key)) {
    throw new ModgateError(
      'invalid',
      `invalid verifier key ${name}+${hash16}: the key hash does not match the key data`,
    );
  }
  if (key[0] !== ALG_ED25519) {
    throw new ModgateError('invalid', `verifier key ${name}+${hash16}: unknown algorithm`);
  }
  if (key.length !== 1 + ED25519_KEY_SIZE) throw malformed('wrong Ed25519 key length');
  const publicKey = ed25519PublicKey(key.subarray(1));
  return {
    name,
    keyHash: hash,
    verify: (msg, sig) => ed25519Verify(publicKey, msg, sig),
  };
}

/** Encodes a verifier key for a name and a raw 32-byte Ed25519 public key. */
export function newEd25519VerifierKey(name: string, publicKey: Uint8Array): string {
  if (publicKey.length !== ED25519_KEY_SIZE) {
    throw new ModgateError(
      'invalid',
      `invalid public key size ${publicKey.length}, expected ${ED25519_KEY_SIZE}`,
    );
  }
  if (!isValidKeyName(name)) {
    throw new ModgateError('invalid', `invalid key name ${JSON.stringify(name)}`);
  }
  const key = Buffer.concat([Buffer.of(ALG_ED25519), publicKey]);
  return `${name}+${formatKeyHash(keyHash(name, key))}+${key.toString('base64')}`;
}
