import type { Readable } from 'node:stream';
import type { ChecksumGate } from './checksum-gate.js';
import type { StoreQueueOptions } from './store-queue.js';
import type { ZipDownload } from './zip-download.js';

// The stash's options and the shapes of what goes in and comes out (stash.ts is the pipeline).

export interface StashOptions {
  /** A local directory of this process's own for files being downloaded (and hashed). */
  spoolDir: string;
  /** Run in order on every `.mod` and `.zip` before it is stored (see ChecksumGate). */
  checksumGates?: readonly ChecksumGate[] | undefined;
  /** The largest zip accepted (`limits.max_zip_bytes`; Go's own limit if absent or higher). */
  maxZipBytes?: number | undefined;
  /**
   * Zips the upstream announces at most this size are downloaded and verified in memory and
   * answered as bytes (default MEMORY_ZIP_BYTES; 0: every zip is spooled to a file).
   */
  memoryZipBytes?: number | undefined;
  /**
   * Larger zips the upstream announces at most this size are downloaded into memory rather
   * than a spool file, and streamed to clients from there as they arrive (the holdback as for a
   * spooled one; default MEMORY_STREAM_BYTES; 0, or `memoryZipBytes` 0: spooled to a file).
   */
  memoryStreamBytes?: number | undefined;
  /**
   * Told when a verified file could not be stored after its clients were answered (a zip's
   * commit, a `.mod`'s or `.info`'s write behind the answer): the failure is logged, nothing
   * is stored, and the next request for the file fetches it again.
   */
  onStoreError?: ((key: string, err: unknown) => void) | undefined;
  /** Called each time a zip request joins a download already in flight (metrics). */
  onJoin?: (() => void) | undefined;
  /** When stores behind answers run (tests shorten or lengthen the defaults). */
  storeQueue?: Pick<StoreQueueOptions, 'quietMs' | 'maxDelayMs' | 'maxPendingBytes'> | undefined;
}

/**
 * A zip not stored yet, as the stash gives it: verified bytes (a small zip, downloaded in
 * memory), or a spooled download shared with other clients and a reader of it (which the
 * caller must consume or destroy) — or, across replicas, word that another replica downloaded
 * and stored it meanwhile (`stored`: read it from storage).
 */
export type StashedZip =
  | {
      readonly body: Buffer;
      readonly download?: undefined;
      readonly reader?: undefined;
      readonly stored?: undefined;
    }
  | {
      readonly body?: undefined;
      readonly download: ZipDownload;
      readonly reader: Readable;
      readonly stored?: undefined;
    }
  | {
      readonly body?: undefined;
      readonly download?: undefined;
      readonly reader?: undefined;
      readonly stored: true;
    };

/** The file a stash call is about: which module version, under which storage key. */
export interface StashTarget {
  readonly modulePath: string;
  readonly version: string;
  readonly key: string;
  /** The policy's `private` for the module path (told to the checksum gates). */
  readonly private: boolean;
}
