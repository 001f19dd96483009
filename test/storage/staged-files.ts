import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The files in `<dataDir>/.staging/`, at any depth, other than the instance directories'
 * heartbeats (relative slash paths, sorted): what writes in progress or crashed writers left.
 * A directory removed while it is being listed (a sweep running in a live storage) makes the
 * listing start again.
 */
export async function stagedFiles(dataDir: string): Promise<string[]> {
  const root = join(dataDir, '.staging');
  for (let attempt = 0; ; attempt++) {
    try {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => !e.isDirectory() && e.name !== '.heartbeat')
        .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
        .sort();
    } catch (err) {
      const gone = (err as NodeJS.ErrnoException).code === 'ENOENT';
      if (!gone || attempt >= 20 || (err as { path?: string }).path === root) throw err;
    }
  }
}
