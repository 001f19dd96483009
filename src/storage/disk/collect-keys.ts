import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isStorageKey } from '../storage-key.js';
import { diskError, isMissing } from './disk-error.js';

/**
 * Adds to `keys` the stored keys under `dirKey` (empty or ending in `/`) of the data directory
 * `dataDir`, unsorted, skipping dot-entries (`.staging/`, `.spool/`: not in the URL space) and
 * names that are no storage keys.
 */
export async function collectKeys(
  dataDir: string,
  dirKey: string,
  keys: string[],
  signal?: AbortSignal,
): Promise<void> {
  let entries;
  try {
    entries = await readdir(join(dataDir, dirKey), { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return;
    throw diskError('list', dirKey === '' ? '(all)' : dirKey, err);
  }
  signal?.throwIfAborted();
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const key = dirKey + entry.name;
    if (entry.isDirectory()) await collectKeys(dataDir, `${key}/`, keys, signal);
    else if (entry.isFile() && isStorageKey(key)) keys.push(key);
  }
}
