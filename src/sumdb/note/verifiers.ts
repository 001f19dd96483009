import { ModgateError } from '../../errors/index.js';
import { formatKeyHash } from './key-hash.js';
import type { Verifier } from './verifier.js';

/** The set of keys a reader trusts, looked up by (name, key hash). */
export interface Verifiers {
  /**
   * The verifier for the key with this name and hash, or `undefined` if the key is unknown
   * (open() then keeps the signature as unverified). May throw for other failures.
   */
  verifier(name: string, keyHash: number): Verifier | undefined;
}

/**
 * Verifiers backed by a list. Two list entries with the same name and hash make that key
 * ambiguous: looking it up throws (someone has tampered with the trusted key list), while
 * other keys keep working.
 */
export function verifierList(...list: Verifier[]): Verifiers {
  const byKey = new Map<string, Verifier[]>();
  for (const v of list) {
    const k = `${v.name}+${formatKeyHash(v.keyHash)}`;
    const entry = byKey.get(k);
    if (entry) entry.push(v);
    else byKey.set(k, [v]);
  }
  return {
    verifier(name, hash) {
      const k = `${name}+${formatKeyHash(hash)}`;
      const found = byKey.get(k);
      if (found === undefined) return undefined;
      if (found.length > 1) throw new ModgateError('invalid', `ambiguous key ${k}`);
      return found[0];
    },
  };
}
