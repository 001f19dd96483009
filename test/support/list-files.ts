import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Every regular file under `dir` (relative slash paths, sorted), skipping dot-directories. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.')) await walk(p);
      } else {
        out.push(relative(dir, p).split('\\').join('/'));
      }
    }
  }
  await walk(dir);
  return out.sort();
}

/**
 * Like `listFiles`, without modgate's own records beside the module tree — the store-time
 * record of the index feed (`index/`, appended just after a zip is stored) and `mirror sync`
 * cursors (`mirror-sync/`): what "nothing new stored" compares.
 */
export async function listModuleFiles(dir: string): Promise<string[]> {
  return (await listFiles(dir)).filter(
    (f) => !f.startsWith('index/') && !f.startsWith('mirror-sync/'),
  );
}
