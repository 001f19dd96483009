import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { SyncReadGate } from './sync-read-gate.js';

/**
 * DiskStorage reads (`getBytes`) a file of at most this size on the event loop while its
 * SyncReadGate is open: the small files it is for (.mod, .info, lists, checksum database
 * records and tiles) are one short copy from the page cache, and a miss's lookup (the first
 * step of every cold request) a path walk in the dentry cache.
 *
 * Writes stay on the thread pool, although creating, writing, closing and renaming a small
 * file would also be cheaper here than five hand-offs: on ext4 a create, mkdir or rename can
 * wait for the journal's commit (every stored file is fdatasynced, so commits are frequent),
 * and on the event loop that wait held up the requests being answered. Tried (go-download
 * bench, same-run A/B, 5 rounds): the same CPU per cold run, cold 2.85 s vs 2.60 s (slower in
 * 3 rounds of 5); the writes run behind the answers anyway (StoreQueue, LookupMemory).
 */
export const SMALL_FILE_BYTES = 64 * 1024;

/**
 * `getBytes` on the event loop: the bytes of the file at `path`, null when there is none, or
 * undefined when the gate is closed or the file is larger than SMALL_FILE_BYTES (read it
 * through the thread pool then). Records how long it took with the gate.
 */
export function getBytesOnLoop(
  gate: Pick<SyncReadGate, 'isOpen' | 'now' | 'recordSyncRead'>,
  path: string,
): Buffer | null | undefined {
  if (!gate.isOpen()) return undefined;
  const startedAt = gate.now();
  try {
    const read = readSmallFileSync(path, SMALL_FILE_BYTES);
    return read.kind === 'bytes' ? read.bytes : read.kind === 'missing' ? null : undefined;
  } finally {
    gate.recordSyncRead(startedAt);
  }
}

/** What `readSmallFileSync` found: the bytes, no such file, or a file to read another way. */
export type SmallFileRead =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | { readonly kind: 'missing' }
  | { readonly kind: 'large' };

/**
 * Reads a whole file on the calling thread if it is a regular file of at most `maxBytes`
 * (`large` otherwise, without reading it; the caller reads it through the thread pool). For
 * DiskStorage.getBytes while its SyncReadGate says the disk answers from memory: a `.mod`,
 * `.info` or list is a few hundred bytes, and sending its open, fstat, read and close through
 * libuv's thread pool costs four hand-offs (~140 us of CPU here, each a context switch when
 * every thread shares one core), against ~12 us done here; a miss (ENOENT) ~15 us against ~60.
 * `missing` for ENOENT/ENOTDIR and for a directory; other failures throw the file system's
 * error. A file that grows between the fstat and the read is read up to its fstat size, as a
 * file replaced by a rename is read whole in its old version (stored files are never written in
 * place).
 */
export function readSmallFileSync(path: string, maxBytes: number): SmallFileRead {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (isMissingCode(err)) return MISSING;
    throw err;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return MISSING;
    if (info.size > maxBytes) return LARGE;
    // Not from Buffer's shared pool: the answer cache may keep it, and a slice of the pool
    // would keep its whole 8 KiB slab alive.
    const bytes = Buffer.allocUnsafeSlow(info.size);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, done);
      if (n === 0) break;
      done += n;
    }
    return { kind: 'bytes', bytes: done === bytes.length ? bytes : bytes.subarray(0, done) };
  } finally {
    closeSync(fd);
  }
}

const MISSING: SmallFileRead = { kind: 'missing' };
const LARGE: SmallFileRead = { kind: 'large' };

function isMissingCode(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
