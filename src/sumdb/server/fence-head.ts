import type { LockGuard } from '../../coordination/index.js';
import { ModgateError } from '../../errors/index.js';
import type { Storage } from '../../storage/storage.js';

/**
 * The check immediately before a head is written by a holder of the writer lock (SumdbLog's
 * class comment): the head stored under `latestKey` is still `built` (the one the batch builds
 * on), and the lock is still held (confirmed, which extends it to its full lifetime). Either
 * failing: `unavailable`, and the caller commits nothing.
 */
export async function fenceHead(
  storage: Storage,
  latestKey: string,
  built: Buffer,
  guard: LockGuard,
  name: string,
): Promise<void> {
  const stored = await storage.getBytes(latestKey);
  if (stored === null || !stored.equals(built)) {
    throw new ModgateError(
      'unavailable',
      `checksum database ${name}: another writer committed a tree head while this batch was prepared; not committing it`,
    );
  }
  try {
    await guard.confirm();
  } catch (err) {
    throw new ModgateError(
      'unavailable',
      `checksum database ${name}: not committing: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}
