import type { Readable } from 'node:stream';

/**
 * What a backend knows about one stored file.
 * `etag` is a strong validator that changes whenever the content could have changed.
 */
export interface StoredStat {
  size: number;
  modified: Date;
  etag: string;
}

/** An inclusive byte range, as in an HTTP `Range: bytes=start-end` header. */
/** How a small file is written. */
export interface PutOptions {
  /**
   * A secret (modgate's own checksum-database signing key): readable by modgate's own user
   * only — mode 0600 on disk, so a static file server or another local user serving the data
   * directory cannot read it. A backend without file modes keeps it as private as it can.
   */
  secret?: boolean;
}

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The Storage seam. Keys are paths in the GOPROXY URL space, relative, with escaped module
 * paths and versions, e.g. `github.com/!burnt!sushi/toml/@v/v1.0.0.zip`, `.../@v/list`,
 * `.../@latest`. Because the layout *is* the URL layout, a disk data directory can be served
 * by any static file server or used as `GOPROXY=file://...` as it is.
 *
 * Contract (checked by test/storage/compliance.ts for every backend):
 * - `get*` / `stat` return `null` for a missing key; they never throw for "not there".
 * - Writes are atomic: a reader sees either the old content, the whole new content, or
 *   nothing — never a partial file, even if the writer crashes or its stream errors.
 * - A failed or aborted `putStream` leaves no trace.
 * - Keys that are not clean relative paths (empty, absolute, `.`/`..` elements, `//`,
 *   backslashes, NUL) are refused with a ModgateError of kind `invalid`, touching nothing.
 *   Elements starting with `.` are refused too (module paths and versions never have one),
 *   which keeps a backend's own dot-directories out of the URL space (storage-key.ts).
 *   In the URL space no key is also a prefix of other keys (`x/@v/list` never has children);
 *   a backend may refuse a write that would make it so (on disk a file cannot be a directory).
 * - Every call takes an optional AbortSignal; an aborted call rejects with the signal's
 *   reason (as `fetch` does).
 * - Every other failure is a ModgateError (`internal`, or `unavailable` when the backend
 *   cannot serve right now) with the cause attached and a message naming operation and key.
 */
export interface Storage {
  /** A short description for logs and /readyz, e.g. `disk:/var/lib/modgate`. */
  readonly description: string;

  /** Whole small files (.info, .mod, list, latest). */
  getBytes(key: string, signal?: AbortSignal): Promise<Buffer | null>;
  putBytes(key: string, data: Buffer, signal?: AbortSignal, options?: PutOptions): Promise<void>;

  stat(key: string, signal?: AbortSignal): Promise<StoredStat | null>;

  /**
   * Streams a file (zips), whole or a byte range of it; `stat` describes the very version
   * being streamed. An `end` past the last byte is clamped (`end: Infinity` reads to the end);
   * a range starting at or past the end gives an empty stream (compare with `stat.size` to
   * answer 416); a malformed range (negative, fractional, start > end) is `invalid`.
   */
  openRead(
    key: string,
    range?: ByteRange,
    signal?: AbortSignal,
  ): Promise<{ stream: Readable; stat: StoredStat } | null>;

  /**
   * Stores a stream of exactly `size` bytes. Fails (storing nothing) if the stream errors or
   * carries a different number of bytes (ModgateError `internal`). An error of the stream
   * itself is rethrown unchanged: the caller owns the stream and knows its errors. On any
   * failure, including a refused key, the stream is destroyed.
   */
  putStream(key: string, stream: Readable, size: number, signal?: AbortSignal): Promise<void>;

  /**
   * Stores the local file at `path` (a spooled download), which must be a regular file of
   * exactly `size` bytes; atomic like every write. A backend may take the file itself instead
   * of copying its bytes (disk: a hard link when `path` is on the data directory's file
   * system, so committing a 100 MB zip costs no read and no write of it), hence:
   * - from this call on, the caller never writes to the file again; it may keep reading it
   *   (through a descriptor already open, too) and still removes its own name when done,
   *   which leaves the stored copy alone;
   * - the file's permission bits may change to those of stored files.
   * A missing or unreadable file, or one that is not a regular file of `size` bytes, is a
   * ModgateError `internal` (or `unavailable`, as for other writes) and stores nothing.
   */
  putFile(key: string, path: string, size: number, signal?: AbortSignal): Promise<void>;

  /** Removes a key; removing a missing key is not an error. */
  delete(key: string, signal?: AbortSignal): Promise<void>;

  /**
   * Every key under a prefix (which ends in `/` or is empty), sorted in UTF-8 byte order (as
   * S3 lists). Meant for admin and mirror tasks, not for serving requests.
   */
  list(prefix: string, signal?: AbortSignal): Promise<string[]>;

  /**
   * Optional: like `list`, with each file's size, for backends whose listing carries sizes
   * (S3's ListObjectsV2) — where a `stat` per key would be a request per object. Callers fall
   * back to `list` + `stat` when it is absent.
   */
  listSizes?(prefix: string, signal?: AbortSignal): Promise<{ key: string; size: number }[]>;

  /** Readiness: resolves when the backend can be read and written, throws otherwise. */
  checkReady(signal?: AbortSignal): Promise<void>;

  /** Releases resources (connections, file handles). */
  close(): Promise<void>;
}
