/**
 * The content of a large zip entry read from a file (ModuleZipReader's entries over
 * SMALL_ENTRY), verified as Go's archive/zip verifies it: inflation stops past the declared
 * size (zip bombs cost no more than they claim), the caller checks the CRC-32 returned.
 *
 * A deflated entry is read as stored blocks first (StoredBlockScanner): incompressible
 * content — what zlib and Go's compress/flate store rather than compress — is hashed straight
 * from the bytes read, with no zlib stream through the thread pool and no output buffers. At
 * the first block that is not a well-formed stored one, zlib inflates the rest, with the
 * output so far as its window: the very bytes, or the very error, that inflating the whole
 * entry gives.
 */
import type { Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { ModgateError } from '../../errors/index.js';
import { DEFLATE_WINDOW, StoredBlockScanner } from '../stored-deflate-blocks.js';

/** Inflate output chunk size: 16× zlib's default, 2–3× faster hashing of large files. */
const INFLATE_CHUNK = 256 * 1024;
/** Bytes per read of a deflated entry's stored blocks. */
const STORED_READ = 256 * 1024;

/** What the entry's bytes are read through (a ModuleZipReader's zip file). */
export interface EntryBytes {
  /** The error for a structurally unusable zip. */
  malformed(reason: string, cause?: unknown): ModgateError;
  /** The entry's compressed bytes from `from` (relative to `fileDataStart`) to its end. */
  openRaw(entry: LargeEntry, from: number): Promise<Readable>;
  /** Reads up to `length` bytes at `position` of the zip; fewer only at its end. */
  readAt(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
}

export interface LargeEntry {
  /** JSON-quoted, for messages. */
  readonly name: string;
  readonly method: number;
  readonly fileDataStart: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
}

type OnChunk = (chunk: Buffer) => void | Promise<void>;

/** Where a stream read in part goes on: the compressed offset, the window, the counts so far. */
interface Resume {
  readonly from: number;
  readonly dictionary: Buffer;
  readonly crc: number;
  readonly seen: number;
}

export interface LargeEntryOptions {
  /** False: the deflated entry's first block is known to be compressed (zlib from the start). */
  readonly storedFirst?: boolean;
  /**
   * `onChunk` is done with each chunk once it returns (or its promise resolves): the stored
   * blocks are then read into one buffer, reused, instead of a fresh one per read.
   */
  readonly transient?: boolean;
}

/** Streams the verified content of `e` to `onChunk`. Returns the CRC-32. */
export function readLargeEntry(
  bytes: EntryBytes,
  e: LargeEntry,
  onChunk: OnChunk,
  options: LargeEntryOptions = {},
): Promise<number> {
  return e.method === 8 && options.storedFirst !== false
    ? readStoredFirst(bytes, e, onChunk, options.transient === true)
    : readStreamed(bytes, e, onChunk);
}

/**
 * A deflated entry's stored blocks from the bytes read (into one reused buffer if `transient`,
 * else a fresh one per read: `onChunk` may keep what it is given), then, where a block is not a
 * well-formed stored one, the rest inflated by readStreamed.
 */
async function readStoredFirst(
  bytes: EntryBytes,
  e: LargeEntry,
  onChunk: OnChunk,
  transient: boolean,
): Promise<number> {
  const scanner = new StoredBlockScanner(e.uncompressedSize);
  const window = new OutputWindow();
  const reused = transient ? Buffer.allocUnsafe(Math.min(STORED_READ, e.compressedSize)) : null;
  let crc = 0;
  let seen = 0;
  let pos = 0;
  while (pos < e.compressedSize && !scanner.complete) {
    const want = Math.min(STORED_READ, e.compressedSize - pos);
    const buf = reused ?? Buffer.allocUnsafe(want);
    const n = await bytes.readAt(buf, 0, want, e.fileDataStart + pos);
    if (n === 0) throw bytes.malformed(`entry ${e.name}: unexpected EOF`);
    pos += n;
    const views = scanner.feed(n === buf.length ? buf : buf.subarray(0, n));
    for (const view of views) {
      seen += view.length;
      crc = crc32(view, crc);
      await onChunk(view);
    }
    // Before the next read may overwrite them: the window the rest may refer back into.
    window.add(views);
    if (scanner.handover >= 0) {
      const resume = { from: scanner.handover, dictionary: window.bytes(), crc, seen };
      return readStreamed(bytes, e, onChunk, resume);
    }
  }
  // Ended inside a stored block, or before the final one: what zlib says of such a stream.
  if (!scanner.complete) throw bytes.malformed(`entry ${e.name}: unexpected end of file`);
  if (seen !== e.uncompressedSize) {
    throw bytes.malformed(`entry ${e.name} is smaller than its declared size`);
  }
  return crc;
}

/** The last DEFLATE_WINDOW bytes of output, kept in one buffer of its own across reads. */
class OutputWindow {
  private readonly data = Buffer.allocUnsafe(DEFLATE_WINDOW);
  private length = 0;

  /** Appends `views` (the output just produced, in order). */
  add(views: readonly Buffer[]): void {
    let total = 0;
    for (const view of views) total += view.length;
    if (total >= DEFLATE_WINDOW) {
      // The window is the end of these views alone: filled from its end.
      let end = DEFLATE_WINDOW;
      for (let i = views.length - 1; i >= 0 && end > 0; i--) {
        const view = views[i] as Buffer;
        const take = Math.min(view.length, end);
        view.copy(this.data, end - take, view.length - take);
        end -= take;
      }
      this.length = DEFLATE_WINDOW;
      return;
    }
    const keep = Math.min(this.length, DEFLATE_WINDOW - total);
    this.data.copyWithin(0, this.length - keep, this.length);
    let at = keep;
    for (const view of views) at += view.copy(this.data, at);
    this.length = at;
  }

  /** The window (a view of this object's buffer). */
  bytes(): Buffer {
    return this.data.subarray(0, this.length);
  }
}

/**
 * The entry streamed (from `resume.from` on, with its window and counts, when given), inflated
 * if deflated, stopped past the declared size. Returns the CRC-32.
 */
async function readStreamed(
  bytes: EntryBytes,
  e: LargeEntry,
  onChunk: OnChunk,
  resume?: Resume,
): Promise<number> {
  let raw: Readable;
  try {
    raw = await bytes.openRaw(e, resume?.from ?? 0);
  } catch (err) {
    throw bytes.malformed(`entry ${e.name}: ${errorText(err)}`, err);
  }
  let source: Readable = raw;
  if (e.method === 8) {
    const inflate = createInflateRaw({
      chunkSize: INFLATE_CHUNK,
      ...(resume === undefined || resume.dictionary.length === 0
        ? {}
        : { dictionary: resume.dictionary }),
    });
    raw.on('error', (err) => inflate.destroy(err));
    source = raw.pipe(inflate);
  }
  const declared = e.uncompressedSize;
  let crc = resume?.crc ?? 0;
  let seen = resume?.seen ?? 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      seen += chunk.length;
      // Stop inflating at the declared size: a zip bomb costs no more than it claims.
      if (seen > declared)
        throw bytes.malformed(`entry ${e.name} is larger than its declared size`);
      crc = crc32(chunk, crc);
      await onChunk(chunk);
    }
  } catch (err) {
    if (err instanceof ModgateError) throw err;
    throw bytes.malformed(`entry ${e.name}: ${errorText(err)}`, err);
  } finally {
    raw.destroy();
    if (source !== raw) source.destroy();
  }
  if (seen !== declared) throw bytes.malformed(`entry ${e.name} is smaller than its declared size`);
  return crc;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
