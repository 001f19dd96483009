import { randomBytes } from 'node:crypto';
import { ModgateError } from '../../errors/index.js';
import {
  ALG_ED25519,
  ED25519_KEY_SIZE,
  ed25519PrivateKey,
  ed25519RawPublicKey,
} from './ed25519.js';
import { formatKeyHash, keyHash } from './key-hash.js';
import { isValidKeyName } from './key-name.js';

/** A freshly generated key pair, both as encoded key strings. */
export interface GeneratedKey {
  /** `PRIVATE+KEY+<name>+<hash>+<keydata>`: secret, for newSigner. */
  readonly signer: string;
  /** `<name>+<hash>+<keydata>`: public, for newVerifier and GOSUMDB. */
  readonly verifier: string;
}

/**
 * Generates an Ed25519 key pair for the named server. `seed` (32 bytes) makes the result
 * deterministic, for tests; by default it comes from the system's secure random source.
 */
export function generateKey(name: string, seed: Uint8Array = randomBytes(32)): GeneratedKey {
  if (!isValidKeyName(name)) {
    throw new ModgateError('invalid', `invalid key name ${JSON.stringify(name)}`);
  }
  if (seed.length !== ED25519_KEY_SIZE) {
    throw new ModgateError('invalid', `an Ed25519 seed has ${ED25519_KEY_SIZE} bytes`);
  }
  const publicKey = Buffer.concat([
    Buffer.of(ALG_ED25519),
    ed25519RawPublicKey(ed25519PrivateKey(seed)),
  ]);
  const privateKey = Buffer.concat([Buffer.of(ALG_ED25519), seed]);
  const hash = formatKeyHash(keyHash(name, publicKey));
  return {
    signer: `PRIVATE+KEY+${name}+${hash}+${privateKey.toString('base64')}`,
    verifier: `${name}+${hash}+${publicKey.toString('base64')}`,
  };
}
