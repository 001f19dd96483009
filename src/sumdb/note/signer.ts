import { ModgateError } from '../../errors/index.js';
import { decodeBase64Strict } from '../strict-decode.js';
import { chop } from './chop.js';
import {
  ALG_ED25519,
  ED25519_KEY_SIZE,
  ed25519PrivateKey,
  ed25519RawPublicKey,
  ed25519Sign,
} from './ed25519.js';
import { keyHash } from './key-hash.js';
import { isValidKeyName } from './key-name.js';

/** Signs messages with one specific key. */
export interface Signer {
  /** The server name associated with the key. */
  readonly name: string;
  /** The 32-bit key hash (unsigned) of the matching public key. */
  readonly keyHash: number;
  /** The signature of `msg`. May throw (for example a remote signing service failing). */
  sign(msg: Uint8Array): Buffer;
}

// Messages never quote the signer key: it is a secret.
function malformed(reason: string): ModgateError {
  return new ModgateError('invalid', `malformed signer key: ${reason}`);
}

/**
 * Parses a signer key `PRIVATE+KEY+<name>+<hash>+<keydata>`, where `keydata` is base64 of
 * the algorithm byte (1 = Ed25519) and the 32-byte private seed. The hash is that of the
 * *public* key, so it is checked after deriving the public key from the seed. Throws a
 * ModgateError of kind `invalid` otherwise.
 */
export function newSigner(skey: string): Signer {
  const [priv1, rest1] = chop(skey, '+');
  const [priv2, rest2] = chop(rest1, '+');
  const [name, rest3] = chop(rest2, '+');
  const [hash16, key64] = chop(rest3, '+');
  if (priv1 !== 'PRIVATE' || priv2 !== 'KEY') {
    throw malformed('it does not start with PRIVATE+KEY+');
  }
  if (!isValidKeyName(name)) throw malformed('the name is empty or has a space or "+"');
  if (!/^[0-9a-fA-F]{8}$/.test(hash16)) throw malformed('the key hash is not 8 hex digits');
  const key = decodeBase64Strict(key64);
  if (key === undefined || key.length === 0) throw malformed('the key data is not base64');
  if (key[0] !== ALG_ED25519) {
    throw new ModgateError('invalid', `signer key for ${name}: unknown algorithm`);
  }
  if (key.length !== 1 + ED25519_KEY_SIZE) throw malformed('wrong Ed25519 seed length');
  const privateKey = ed25519PrivateKey(key.subarray(1));
  const publicKey = Buffer.concat([Buffer.of(ALG_ED25519), ed25519RawPublicKey(privateKey)]);
  const hash = Number.parseInt(hash16, 16);
  if (hash !== keyHash(name, publicKey)) {
    throw new ModgateError(
      'invalid',
      `invalid signer key for ${name}: the key hash does not match the key`,
    );
  }
  return {
    name,
    keyHash: hash,
    sign: (msg) => ed25519Sign(privateKey, msg),
  };
}
