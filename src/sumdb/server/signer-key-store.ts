import { ModgateError } from '../../errors/index.js';
import type { Storage } from '../../storage/storage.js';
import { generateKey, newSigner, newVerifier, type Signer, type Verifier } from '../note/index.js';
import { LogLayout } from './log-layout.js';

/** The key pair of modgate's own checksum database. */
export interface ServerKey {
  readonly signer: Signer;
  readonly verifier: Verifier;
  /** `<name>+<hash>+<keydata>`: public, the first field of the clients' GOSUMDB. */
  readonly verifierKey: string;
}

// One creation at a time per (storage, name) in this process.
const creating = new WeakMap<Storage, Map<string, Promise<ServerKey>>>();

/**
 * The signer key of database `name`, read from storage or, on first use, generated and stored.
 *
 * Creation is race-safe on one storage within a process (concurrent callers share one
 * creation). Across processes, Storage offers no create-if-absent, so the key is written and
 * then read back, and whatever was read back is used: of two processes racing, both end up
 * with the one written last. A log whose head was signed with another key refuses to open
 * (SumdbLog.open), so a lost race can never sign two histories.
 *
 * The secret never appears in messages or logs. Throws `invalid` when the stored key is
 * malformed or names another database.
 */
export function loadOrCreateServerKey(
  storage: Storage,
  name: string,
  generate: (name: string) => { signer: string } = generateKey,
): Promise<ServerKey> {
  let byName = creating.get(storage);
  if (byName === undefined) {
    byName = new Map();
    creating.set(storage, byName);
  }
  const running = byName.get(name);
  if (running !== undefined) return running;
  const p = loadOrCreate(storage, name, generate).finally(() => byName.delete(name));
  byName.set(name, p);
  return p;
}

async function loadOrCreate(
  storage: Storage,
  name: string,
  generate: (name: string) => { signer: string },
): Promise<ServerKey> {
  const key = new LogLayout(name).signerKey;
  let stored = await storage.getBytes(key);
  if (stored === null) {
    await storage.putBytes(key, Buffer.from(generate(name).signer + '\n'), undefined, {
      secret: true,
    });
    stored = await storage.getBytes(key);
    if (stored === null) {
      throw new ModgateError('internal', `checksum database ${name}: the new key was not stored`);
    }
  }
  return parseServerKey(name, stored.toString('utf8').trim());
}

/** A ServerKey from a signer key string; `name` must be the key's name. */
export function parseServerKey(name: string, skey: string): ServerKey {
  let signer: Signer;
  try {
    signer = newSigner(skey);
  } catch (err) {
    throw new ModgateError(
      'invalid',
      `checksum database ${name}: the stored signer key is unusable: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (signer.name !== name) {
    throw new ModgateError(
      'invalid',
      `checksum database ${name}: the stored signer key belongs to ${JSON.stringify(signer.name)}`,
    );
  }
  // PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>: name and hash hold no "+".
  const fields = skey.split('+');
  const seed = Buffer.from(fields.slice(4).join('+'), 'base64').subarray(1);
  const verifierKey = generateKey(name, seed).verifier;
  return { signer, verifier: newVerifier(verifierKey), verifierKey };
}
