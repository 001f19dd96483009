import { randomBytes } from 'node:crypto';

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
