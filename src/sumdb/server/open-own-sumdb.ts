import type { Coordinator } from '../../coordination/index.js';
import { ModgateError, errorKind } from '../../errors/index.js';
import type { Storage } from '../../storage/storage.js';
import { LogLayout } from './log-layout.js';
import { loadOrCreateServerKey, type ServerKey } from './signer-key-store.js';
import { SumdbLog } from './sumdb-log.js';

/**
 * Opens modgate's own database `name` in `storage`: its key (created on first use) and its
 * log (created empty on first use; refused when its head does not verify or match its tiles).
 *
 * With a writer lock across replicas (`writerLock`), the log appends under it, and opening
 * takes it too: replicas starting together on an empty storage must not each create a key.
 * When the lock cannot be had (Redis unreachable), a database that exists already is opened
 * all the same (opening it only reads; its appends are refused until Redis is back), and one
 * that does not is not created: `unavailable`, modgate does not start.
 */
export async function openOwnSumdb(
  storage: Storage,
  name: string,
  writerLock?: Pick<Coordinator, 'withLock'>,
): Promise<{ key: ServerKey; log: SumdbLog }> {
  const open = async (): Promise<{ key: ServerKey; log: SumdbLog }> => {
    const key = await loadOrCreateServerKey(storage, name);
    const log = await SumdbLog.open({
      storage,
      name,
      signer: key.signer,
      verifier: key.verifier,
      writerLock,
    });
    return { key, log };
  };
  if (writerLock === undefined) return open();
  try {
    return await writerLock.withLock(`sumdb:${name}`, open);
  } catch (err) {
    if (errorKind(err) !== 'unavailable') throw err;
    const layout = new LogLayout(name);
    const [key, head] = await Promise.all([
      storage.getBytes(layout.signerKey),
      storage.getBytes(layout.latest),
    ]);
    if (key === null || head === null) {
      throw new ModgateError(
        'unavailable',
        `checksum database ${name} does not exist yet, and creating it needs its writer lock: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    return open();
  }
}
