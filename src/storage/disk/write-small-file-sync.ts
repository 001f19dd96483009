import { closeSync, fchmodSync, fdatasync, mkdirSync, openSync, renameSync } from 'node:fs';
import { rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { errnoCode } from './disk-error.js';

const fdatasyncAsync = promisify(fdatasync);

/**
 * The atomic, durable write of DiskStorage (create a staging file, write, fdatasync, close,
 * rename over the target) for a small file, with every step but the fdatasync done on the
 * calling thread: `onLoop` is called around each such stretch with the time it started, so
 * the caller's SyncReadGate can send later writes through the thread pool when the disk is
 * slow. Creating, writing a few KiB into the page cache, closing and renaming take
 * microseconds each, less than the hand-off of each to libuv's thread pool (~30 us of CPU
 * here, a context switch each when every thread shares one core); the fdatasync waits for the
 * disk and goes to the pool. A `.mod`, `.info`, list or checksum-database file is five such
 * hand-offs fewer.
 *
 * Resolves `false`, having written nothing, when the staging directory is missing (ENOENT from
 * the create: the caller recreates it and writes the usual way); throws the file system's error
 * otherwise, the staging file removed. `aborted` (which throws once the caller's signal is
 * aborted) runs after the fdatasync, the last moment before the file becomes visible.
 */
export async function writeSmallFileSync(
  temp: string,
  target: string,
  data: Uint8Array,
  mode: number,
  onLoop: { now(): number; recordSyncRead(startedAt: number): void },
  aborted: () => void,
): Promise<boolean> {
  let startedAt = onLoop.now();
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', mode);
  } catch (err) {
    onLoop.recordSyncRead(startedAt);
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
  try {
    // open's mode passes through the umask: any mode but the usual 0644 is set again.
    if (mode !== 0o644) fchmodSync(fd, mode);
    for (let done = 0; done < data.length;) {
      done += writeSync(fd, data, done, data.length - done);
    }
    onLoop.recordSyncRead(startedAt);
    await fdatasyncAsync(fd);
    startedAt = onLoop.now();
    closeSync(fd);
    fd = undefined;
    aborted();
    renameIntoPlaceSync(temp, target);
    onLoop.recordSyncRead(startedAt);
    return true;
  } catch (err) {
    const open = fd;
    if (open !== undefined) quietly(() => closeSync(open));
    quietly(() => rmSync(temp, { force: true }));
    throw err;
  }
}

/** Renames, creating the target's parent directories only when the first attempt needs them. */
function renameIntoPlaceSync(temp: string, target: string): void {
  try {
    renameSync(temp, target);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
    mkdirSync(dirname(target), { recursive: true });
    renameSync(temp, target);
  }
}

function quietly(step: () => void): void {
  try {
    step();
  } catch {
    // already failing: the first error is the one reported
  }
}
