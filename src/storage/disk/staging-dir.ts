import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errnoCode } from './disk-error.js';

/**
 * Where writes are assembled before they are renamed into place: `<dataDir>/.staging/`, on
 * the same file system as the data (so the rename is atomic) and outside the URL space (keys
 * never have an element starting with `.`, so nothing in here can be served or listed).
 *
 * Each DiskStorage writes only in a directory of its own, `.staging/<host>-<pid>-<random>/`
 * (an InstanceDir, instance-dir.ts): another modgate on the same data directory never touches
 * a write in progress, and what a crashed one left is removed once its heartbeat is stale,
 * whatever became of its pid (a zombie, reused, on another host).
 */
export const STAGING_DIR = '.staging';

/** A fresh name for a staging file in this storage's own directory. */
export function stagingFileName(ext: string): string {
  return `${randomBytes(8).toString('hex')}.${ext}`;
}

/**
 * The permission bits a file created in `dir` with mode 0644 gets: 0644 less the process's
 * umask, found by creating one (reading `process.umask()` would briefly change it for every
 * thread). What `putFile` gives a file it takes over, so that it ends up with the mode every
 * other stored file has.
 */
export async function fileCreationMode(dir: string): Promise<number> {
  const probe = join(dir, stagingFileName('mode'));
  try {
    await writeFile(probe, '', { flag: 'wx', mode: 0o644 });
    return (await stat(probe)).mode & 0o777;
  } finally {
    await rm(probe, { force: true });
  }
}

/**
 * Creates a new staging file with `mode`: open's mode passes through the umask, so any mode
 * but the usual 0644 (a secret's 0600) is set again, not to depend on it.
 */
export function createFile(mode: number): (temp: string) => Promise<FileHandle> {
  return async (temp) => {
    const handle = await open(temp, 'wx', mode);
    if (mode !== 0o644) {
      await handle.chmod(mode).catch(async (err: unknown) => {
        await handle.close().catch(() => undefined);
        throw err;
      });
    }
    return handle;
  };
}

/** Renames, creating the target's parent directories only when the first attempt needs them. */
export async function renameIntoPlace(temp: string, target: string): Promise<void> {
  try {
    await rename(temp, target);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
    await mkdir(dirname(target), { recursive: true });
    await rename(temp, target);
  }
}
