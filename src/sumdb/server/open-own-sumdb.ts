import type { Storage } from '../../storage/storage.js';
import { loadOrCreateServerKey, type ServerKey } from './signer-key-store.js';
import { SumdbLog } from './sumdb-log.js';

/**
 * Opens modgate's own database `name` in `storage`: its key (created on first use) and its
 * log (created empty on first use; refused when its head does not verify or match its tiles).
 */
export async function openOwnSumdb(
  storage: Storage,
  name: string,
): Promise<{ key: ServerKey; log: SumdbLog }> {
  const key = await loadOrCreateServerKey(storage, name);
  const log = await SumdbLog.open({ storage, name, signer: key.signer, verifier: key.verifier });
  return { key, log };
}
