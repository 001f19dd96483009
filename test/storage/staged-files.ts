import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The files in `<dataDir>/.staging/`, at any depth, other than the instance directories'
 * heartbeats (relative slash paths, sorted): what writes in progress or crashed writers left.
 */
export async function stagedFiles(dataDir: string): Promise<string[]> {
  const entries = await readdir(join(dataDir, '.staging'), {
    recursive: true,
    withFileTypes: true,
  });
  return entries
    .filter((e) => !e.isDirectory() && e.name !== '.heartbeat')
    .map((e) => join(e.parentPath, e.name).slice(join(dataDir, '.staging').length + 1))
    .sort();
}
