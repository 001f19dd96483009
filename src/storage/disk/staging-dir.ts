import { randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where writes are assembled before they are renamed into place: `<dataDir>/.staging/`, on
 * the same file system as the data (so the rename is atomic) and outside the URL space (keys
 * never have an element starting with `.`, so nothing in here can be served or listed).
 */
export const STAGING_DIR = '.staging';

/**
 * Files here are named `<pid>-<instance>-<random>.<ext>`. `instance` tells this process's
 * files from those of an earlier one that had the same pid (a container's pid 1 after a
 * restart), so start-up cleaning can tell leftovers from another live process's writes.
 */
const INSTANCE = randomBytes(6).toString('hex');
const NAME = /^(\d+)-([0-9a-f]+)-/;

/** Files this old are leftovers whoever wrote them: no write takes a day. */
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

export function stagingFileName(ext: string): string {
  return `${process.pid}-${INSTANCE}-${randomBytes(8).toString('hex')}.${ext}`;
}

/**
 * Removes what crashed writers left in the staging directory: files of dead processes, of
 * earlier incarnations of this pid, unrecognised files, and anything older than a day. Files
 * of another live process (another modgate on the same data directory) are left to it.
 */
export async function cleanStaging(dir: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const match = NAME.exec(name);
    if (match !== null && match[2] !== INSTANCE) {
      const pid = Number(match[1]);
      if (pid !== process.pid && isAlive(pid)) {
        const info = await stat(path).catch(() => undefined);
        if (info === undefined || now - info.mtimeMs < MAX_AGE_MS) continue;
      }
    } else if (match !== null) {
      continue; // this instance's own write in progress
    }
    await rm(path, { force: true, recursive: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
