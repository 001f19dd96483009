import { ModgateError } from '../../errors/index.js';
import { HASH_SIZE, type Hash } from './hash.js';

/**
 * Reads stored hashes by stored-hash index (see storedHashIndex). Must return exactly one
 * 32-byte hash per index, in order, or throw. Callers in this package always ask for indexes
 * in increasing order, so a sequential store can serve them in one pass.
 *
 * A reader is either the log's own storage (a server) or a tileHashReader, which only ever
 * returns hashes it has authenticated against a signed tree head (a client).
 */
export interface HashReader {
  readHashes(indexes: readonly number[]): Promise<readonly Hash[]> | readonly Hash[];
}

/** Calls `r` and checks the shape of its answer. */
export async function readHashesChecked(
  r: HashReader,
  indexes: readonly number[],
): Promise<readonly Hash[]> {
  const hashes = await r.readHashes(indexes);
  if (hashes.length !== indexes.length) {
    throw new ModgateError(
      'internal',
      `tlog: readHashes(${indexes.length} indexes) returned ${hashes.length} hashes`,
    );
  }
  for (const h of hashes) {
    if (h.length !== HASH_SIZE) {
      throw new ModgateError('internal', `tlog: readHashes returned a ${h.length}-byte hash`);
    }
  }
  return hashes;
}
