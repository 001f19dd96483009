import { constants, type BigIntStats } from 'node:fs';
import { open, readFile, rm, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable, addAbortSignal } from 'node:stream';
import { ModgateError } from '../../errors/index.js';
import { checkSize, drainExactly } from '../drain-exactly.js';
import { resolveRange } from '../resolve-range.js';
import { checkStorageKey, checkStoragePrefix, compareStorageKeys } from '../storage-key.js';
import type { ByteRange, PutOptions, Storage, StoredStat } from '../storage.js';
import { diskError, errnoCode, isMissing } from './disk-error.js';
import { InstanceDir, type InstanceLiveness } from './instance-dir.js';
import { collectKeys } from './collect-keys.js';
import { FileRangeStream } from './file-range-stream.js';
import { getBytesOnLoop } from './read-small-file-sync.js';
import { processSyncReadGate, type SyncReadGate } from './sync-read-gate.js';
import { linkOrCopy } from './link-or-copy.js';
import {
  STAGING_DIR,
  createFile,
  fileCreationMode,
  renameIntoPlace,
  stagingFileName,
} from './staging-dir.js';

/**
 * Bytes per read of `openRead` streams (Node's default is 64 KiB). Each read is one round trip
 * to the thread pool, so larger reads cost less CPU per GB streamed (64 KiB 1.2-1.9 s/GB,
 * 256 KiB 0.7-1.1, 1 MiB 0.6-0.9 in bench/README.md's runs); but every client being served
 * holds about two chunks (one read ahead, one in the socket's queue), and 16 downloads with
 * 1 MiB reads grew RSS by up to 55-67 MiB: 256 KiB takes most of the gain and keeps memory flat.
 * The HTTP layer does not read them this way but through `readInto` (file-range-stream.ts).
 */
export const READ_CHUNK_BYTES = 256 * 1024;

export interface DiskStorageOptions {
  /**
   * The heartbeat of this storage's staging directory and when another one counts as gone
   * (instance-dir.ts); the defaults are for production, shorter ones for tests.
   */
  liveness?: InstanceLiveness;
  /** Whether small reads may run on the event loop (default: the process's shared gate). */
  syncReads?: SyncReadGate;
}

/**
 * The default backend: each key is the file `<dataDir>/<key>`, so the data directory is a
 * static GOPROXY tree that nginx or `GOPROXY=file://<dataDir>` can serve as it is.
 *
 * A write goes to a fresh file in this storage's own directory under `<dataDir>/.staging/`, is
 * fsynced, and is renamed over the key: rename is atomic, so readers see the old file, the new
 * one, or none, and a reader that already opened the old file keeps reading it whole. A crash
 * leaves at most staging files, removed by any storage open on the same data directory once
 * the crashed one's heartbeat is stale (staging-dir.ts); several processes can share a data
 * directory. The directory fsync after the rename is skipped on purpose: a lost rename after
 * a power cut is a cache miss, never a partial file.
 *
 * Dot-directories other than `.staging/` (e.g. `.spool/`) belong to other components; this
 * backend neither lists nor touches them.
 *
 * Reads are the proxy's hot path and cost one open, one fstat and the reads (`openRead`,
 * `getBytes`) or one stat (`stat`); directories are only created when a rename finds its
 * parent missing. Small files are read on the event loop while the SyncReadGate says the disk
 * is fast (read-small-file-sync.ts); writes stay on the thread pool (see there).
 */
export class DiskStorage implements Storage {
  readonly description: string;

  private constructor(
    readonly dataDir: string,
    private readonly staging: InstanceDir,
    /** The mode stored files are created with (0644 less the umask), for `putFile`. */
    private readonly fileMode: number,
    private readonly syncReads: SyncReadGate = processSyncReadGate,
  ) {
    this.description = `disk:${dataDir}`;
  }

  /**
   * Opens (creating if needed) the data directory, claims a staging directory of its own,
   * removes the staging files of writers that are gone, and checks that it can write there;
   * fails with a ModgateError `unavailable` whose message names the directory and the reason
   * otherwise. `close` stops the heartbeat and removes the staging directory.
   */
  static async open(dataDir: string, options: DiskStorageOptions = {}): Promise<DiskStorage> {
    const dir = resolve(dataDir);
    // Node's recursive mkdir never returns for paths under /proc and /sys (it spins on the
    // EEXIST/ENOENT it gets there): refuse them up front.
    if (/^\/(proc|sys)(\/|$)/.test(dir)) {
      throw new ModgateError(
        'unavailable',
        `disk storage: cannot use data directory ${dir}: a kernel file system is not storage`,
      );
    }
    let staging: InstanceDir;
    let fileMode: number;
    try {
      staging = await InstanceDir.claim(join(dir, STAGING_DIR), options.liveness);
      fileMode = await fileCreationMode(staging.path).catch(async (err: unknown) => {
        await staging.close().catch(() => undefined);
        throw err;
      });
    } catch (err) {
      throw new ModgateError(
        'unavailable',
        `disk storage: cannot create or use data directory ${dir}: ${reasonOf(err)}` +
          ' (check the data directory setting and its permissions)',
        { cause: err },
      );
    }
    const storage = new DiskStorage(dir, staging, fileMode, options.syncReads);
    try {
      await storage.checkReady();
    } catch (err) {
      await staging.close().catch(() => undefined);
      throw err;
    }
    return storage;
  }

  async getBytes(key: string, signal?: AbortSignal): Promise<Buffer | null> {
    const path = this.pathOf(key);
    signal?.throwIfAborted();
    let small;
    try {
      small = getBytesOnLoop(this.syncReads, path);
    } catch (err) {
      throw diskError('getBytes', key, err);
    }
    if (small !== undefined) return small;
    try {
      return await readFile(path, signal === undefined ? {} : { signal });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (isMissing(err) || errnoCode(err) === 'EISDIR') return null;
      throw diskError('getBytes', key, err);
    }
  }

  async putBytes(
    key: string,
    data: Buffer,
    signal?: AbortSignal,
    options: PutOptions = {},
  ): Promise<void> {
    const target = this.pathOf(key);
    const mode = options.secret === true ? 0o600 : 0o644;
    await this.writeStaged('putBytes', key, target, signal, createFile(mode), (handle) =>
      handle.writeFile(data, signal === undefined ? {} : { signal }).catch((err: unknown) => {
        if (signal?.aborted) throw err;
        throw diskError('putBytes', key, err);
      }),
    );
  }

  async stat(key: string, signal?: AbortSignal): Promise<StoredStat | null> {
    const path = this.pathOf(key);
    signal?.throwIfAborted();
    try {
      const info = await stat(path, { bigint: true });
      return info.isFile() ? storedStat(info) : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw diskError('stat', key, err);
    }
  }

  async openRead(
    key: string,
    range?: ByteRange,
    signal?: AbortSignal,
  ): Promise<{ stream: Readable; stat: StoredStat } | null> {
    const path = this.pathOf(key);
    signal?.throwIfAborted();
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if (isMissing(err)) return null;
      throw diskError('openRead', key, err);
    }
    try {
      // fstat of the opened file, so stat and bytes describe the same version of the key.
      const info = await handle.stat({ bigint: true });
      if (!info.isFile()) {
        await handle.close();
        return null;
      }
      const fileStat = storedStat(info);
      const span = resolveRange(range, fileStat.size);
      let stream: Readable;
      if (span === null) {
        await handle.close();
        stream = Readable.from([], { objectMode: false });
      } else {
        stream = new FileRangeStream(handle, span.start, span.end, READ_CHUNK_BYTES);
      }
      if (signal !== undefined) addAbortSignal(signal, stream);
      return { stream, stat: fileStat };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw diskError('openRead', key, err);
    }
  }

  async putStream(
    key: string,
    stream: Readable,
    size: number,
    signal?: AbortSignal,
  ): Promise<void> {
    let target: string;
    try {
      target = this.pathOf(key);
      checkSize(`putStream ${key}`, size);
    } catch (err) {
      stream.destroy();
      throw err;
    }
    try {
      const fill = async (handle: FileHandle): Promise<void> => {
        const write = async (chunk: Buffer) => {
          await handle.write(chunk).catch((err: unknown) => {
            throw diskError('putStream', key, err);
          });
        };
        await drainExactly(`putStream ${key}`, stream, size, write, signal);
      };
      await this.writeStaged('putStream', key, target, signal, createFile(0o644), fill);
    } catch (err) {
      stream.destroy();
      throw err;
    }
  }

  /**
   * Takes the file over by a hard link into the staging directory (a copy when it is on
   * another file system), checks it is a regular file of `size` bytes, gives it the stored
   * files' mode, fdatasyncs and renames it into place: the spool a zip was downloaded into
   * becomes the stored file without being read or written again. The fdatasync stays: the
   * spool's bytes may still be only in the page cache, and a stored file must never be empty
   * or partial after a power cut.
   */
  async putFile(key: string, path: string, size: number, signal?: AbortSignal): Promise<void> {
    const target = this.pathOf(key);
    checkSize(`putFile ${key}`, size);
    const take = async (temp: string): Promise<FileHandle> => {
      await linkOrCopy(path, temp);
      return open(temp, constants.O_RDONLY | constants.O_NOFOLLOW);
    };
    await this.writeStaged('putFile', key, target, signal, take, async (handle) => {
      const info = await handle.stat().catch((err: unknown) => {
        throw diskError('putFile', key, err);
      });
      if (!info.isFile() || info.size !== size) {
        throw new ModgateError(
          'internal',
          `disk storage: putFile ${key}: ${path} is ${info.isFile() ? `${info.size} bytes` : 'not a regular file'}, ${size} declared`,
        );
      }
      if ((info.mode & 0o777) !== this.fileMode) {
        await handle.chmod(this.fileMode).catch((err: unknown) => {
          throw diskError('putFile', key, err);
        });
      }
    });
  }

  async delete(key: string, signal?: AbortSignal): Promise<void> {
    const path = this.pathOf(key);
    signal?.throwIfAborted();
    try {
      await unlink(path);
    } catch (err) {
      // EISDIR: the key names a directory, which is no stored file: nothing to delete.
      if (isMissing(err) || errnoCode(err) === 'EISDIR') return;
      throw diskError('delete', key, err);
    }
  }

  async list(prefix: string, signal?: AbortSignal): Promise<string[]> {
    checkStoragePrefix(prefix);
    signal?.throwIfAborted();
    const keys: string[] = [];
    await collectKeys(this.dataDir, prefix, keys, signal);
    return keys.sort(compareStorageKeys);
  }

  /**
   * Writes, reads back and removes a probe file in the staging directory: proves the data
   * directory's file system is mounted, writable and readable.
   */
  async checkReady(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const probe = join(this.staging.path, stagingFileName('probe'));
    const content = Buffer.from(`modgate readiness probe ${probe}\n`);
    try {
      await this.inStaging(() => writeFile(probe, content, { flag: 'wx' }));
      const back = await readFile(probe);
      if (!back.equals(content)) throw new Error('probe file read back different bytes');
    } catch (err) {
      throw new ModgateError(
        'unavailable',
        `disk storage: data directory ${this.dataDir} is not writable: ${reasonOf(err)}`,
        { cause: err },
      );
    } finally {
      await rm(probe, { force: true }).catch(() => undefined);
    }
  }

  /**
   * Stops the staging heartbeat and removes this storage's staging directory (writes still in
   * progress fail). Every read stream owns and closes its own descriptor.
   */
  async close(): Promise<void> {
    await this.staging.close();
  }

  /** The file of `key`; refuses keys outside the URL space before any path is built. */
  private pathOf(key: string): string {
    checkStorageKey(key);
    return join(this.dataDir, key);
  }

  /**
   * The atomic write: `create` makes a fresh staging file (at the path it is given) and opens
   * it, `fill` writes (or checks) its content, then it is fdatasynced and renamed over
   * `target`. On any failure the staging file is removed; an abort rejects with the signal's
   * reason.
   */
  private async writeStaged(
    op: string,
    key: string,
    target: string,
    signal: AbortSignal | undefined,
    create: (temp: string) => Promise<FileHandle>,
    fill: (handle: FileHandle) => Promise<void>,
  ): Promise<void> {
    const temp = join(this.staging.path, stagingFileName('tmp'));
    const fsFail = (err: unknown): never => {
      throw diskError(op, key, err);
    };
    let handle: FileHandle | undefined;
    try {
      signal?.throwIfAborted();
      handle = await this.inStaging(() => create(temp)).catch(fsFail);
      await fill(handle);
      await handle.datasync().catch(fsFail);
      await handle.close().catch(fsFail);
      handle = undefined;
      signal?.throwIfAborted(); // the last moment a caller can still cancel
      await renameIntoPlace(temp, target).catch(fsFail);
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      if (signal?.aborted) throw signal.reason;
      throw err;
    }
  }

  /**
   * Runs `create` (which makes a file in the staging directory); if the directory is missing,
   * because something removed it, recreates it and tries once more.
   */
  private async inStaging<T>(create: () => Promise<T>): Promise<T> {
    try {
      return await create();
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
      await this.staging.ensure();
      return create();
    }
  }
}

/**
 * A strong validator from size, modification time (ns) and inode: every write renames a new
 * inode into place, so any write changes it, even one of identical content and size.
 */
function storedStat(info: BigIntStats): StoredStat {
  const etag = `"${info.size.toString(16)}-${info.mtimeNs.toString(16)}-${info.ino.toString(16)}"`;
  return { size: Number(info.size), modified: new Date(Number(info.mtimeMs)), etag };
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
