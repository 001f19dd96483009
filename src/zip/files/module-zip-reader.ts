/**
 * Reading a module zip from disk defensively, on top of yauzl: the central directory one
 * entry at a time, and each entry's content as a stream that is verified the way Go's
 * archive/zip verifies it — exact uncompressed size, CRC-32 (against the central directory
 * and any data descriptor), Store or Deflate only, no encryption, no data in directory
 * entries. Anything a Go client would refuse to read becomes `ModgateError('checksum')`
 * "<label> is not a valid zip file: …", so a hostile or corrupt upstream zip is never stored.
 *
 * Memory stays bounded: names are read as raw bytes per entry, contents are streamed, and
 * the entry count is bounded before the first entry is read.
 */
import { type FileHandle, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { crc32, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { ModgateError } from '../../errors/index.js';
import { deflateWindow, storedDeflateBlocks } from '../stored-deflate-blocks.js';
import { BufferZipReader } from './buffer-zip-reader.js';
import { FileHandleReader } from './file-handle-reader.js';
import { readLargeEntry, type EntryBytes, type LargeEntryOptions } from './large-entry-content.js';

/** The smallest central-directory record: a zip of N entries has at least 46·N bytes. */
const MIN_CENTRAL_RECORD = 46;
const FLAG_ENCRYPTED = 0x1;
const FLAG_DATA_DESCRIPTOR = 0x8;
const DATA_DESCRIPTOR_SIGNATURE = 0x08074b50;
/** Entries up to this size (compressed and declared) are read and inflated in one (sync) call. */
const SMALL_ENTRY = 512 * 1024;

export interface ModuleZipReaderOptions {
  /** Prefix of every error message, e.g. `zip for example.com/m@v1.0.0`. */
  readonly label: string;
  /** Refuse zips with more central-directory entries than this (kind `too-large`). */
  readonly maxEntries: number;
}

export interface ZipEntry {
  /** The name exactly as stored (Go uses the raw bytes; no code-page decoding). */
  readonly rawName: Buffer;
  readonly isDir: boolean;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** yauzl's entry, for opening its content. */
  readonly entry: yauzl.Entry;
}

/** Where a ModuleZipReader reads from: a file (FileHandleReader) or memory (BufferZipReader). */
type ZipBytes = yauzl.RandomAccessReader & {
  readAt(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** The zip's bytes at `position` as a view (shorter at its end), if it is held in memory. */
  viewAt?(position: number, length: number): Buffer;
};

export class ModuleZipReader {
  private constructor(
    /** The open file read from, if the zip is on disk (closed by `close`). */
    private readonly fh: FileHandle | undefined,
    private readonly reader: ZipBytes,
    private readonly zip: yauzl.ZipFile,
    readonly fileSize: number,
    private readonly label: string,
  ) {}

  /** The error for a structurally unusable zip. */
  malformed(reason: string, cause?: unknown): ModgateError {
    return new ModgateError('checksum', `${this.label} is not a valid zip file: ${reason}`, {
      cause,
    });
  }

  /**
   * Opens `filePath` (already checked against the zip-file size limit by the caller, or not:
   * `fileSize` tells). Throws `checksum` if it is not a readable zip, `too-large` if it
   * declares more than `maxEntries` entries.
   */
  static async open(filePath: string, options: ModuleZipReaderOptions): Promise<ModuleZipReader> {
    const fh = await open(filePath, 'r');
    try {
      const { size } = await fh.stat();
      return await ModuleZipReader.over(fh, new FileHandleReader(fh, size), size, options);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /**
   * A reader of the zip `data` held in memory (a download verified before it is stored): the
   * same checks as `open`, with no file operation.
   */
  static fromBuffer(data: Buffer, options: ModuleZipReaderOptions): Promise<ModuleZipReader> {
    return ModuleZipReader.over(undefined, new BufferZipReader(data), data.length, options);
  }

  private static async over(
    fh: FileHandle | undefined,
    bytes: ZipBytes,
    size: number,
    options: ModuleZipReaderOptions,
  ): Promise<ModuleZipReader> {
    const zip = await yauzl
      .fromRandomAccessReaderPromise(bytes, size, {
        lazyEntries: true,
        autoClose: false,
        decodeStrings: false,
        validateEntrySizes: true,
      })
      .catch((err: unknown) => {
        throw new ModgateError(
          'checksum',
          `${options.label} is not a valid zip file: ${errorText(err)}`,
          { cause: err },
        );
      });
    const reader = new ModuleZipReader(fh, bytes, zip, size, options.label);
    if (zip.entryCount > options.maxEntries) {
      zip.close();
      throw new ModgateError(
        'too-large',
        `${options.label} has too many entries (${zip.entryCount}; limit is ${options.maxEntries})`,
      );
    }
    if (zip.entryCount * MIN_CENTRAL_RECORD > size) {
      zip.close();
      throw reader.malformed(`central directory claims ${zip.entryCount} entries`);
    }
    return reader;
  }

  get entryCount(): number {
    return this.zip.entryCount;
  }

  /** The central-directory entries in stored order. */
  async *entries(): AsyncGenerator<ZipEntry> {
    const it = this.zip.eachEntry();
    for (;;) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await it.next();
      } catch (err) {
        throw this.malformed(errorText(err), err);
      }
      if (next.done === true) return;
      const entry = next.value;
      // A copy: fileNameRaw shares a buffer with the extra field and comment.
      const rawName = Buffer.from(entry.fileNameRaw);
      yield {
        rawName,
        isDir: rawName.length > 0 && rawName[rawName.length - 1] === 0x2f,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        entry,
      };
    }
  }

  /**
   * Streams the verified content of `e` to `onChunk` (awaited, so it can write to disk with
   * backpressure). Throws `checksum` if the data is not exactly what the directory declares.
   * A directory entry must have no data, as in Go (whose HashZip reads every entry). With
   * `transient`, `onChunk` promises to be done with each chunk once it returns (or resolves),
   * and chunks may be reused buffers.
   */
  async readContent(
    e: ZipEntry,
    onChunk: (chunk: Buffer) => void | Promise<void>,
    options: { transient?: boolean } = {},
  ): Promise<void> {
    const name = JSON.stringify(e.rawName.toString('utf8'));
    const entry = e.entry;
    const flags = entry.generalPurposeBitFlag;
    if (e.isDir) {
      // Current archive/zip: a directory entry reads as empty and must not declare data.
      if (e.uncompressedSize !== 0) throw this.malformed(`directory entry ${name} has data`);
      return;
    }
    if (flags & FLAG_ENCRYPTED) throw this.malformed(`entry ${name} is encrypted`);
    const method = entry.compressionMethod;
    if (method !== 0 && method !== 8) {
      throw this.malformed(`entry ${name} uses unsupported compression method ${method}`);
    }
    let fileDataStart: number;
    try {
      ({ fileDataStart } = await this.zip.readLocalFileHeaderPromise(entry, { minimal: true }));
    } catch (err) {
      throw this.malformed(`entry ${name}: ${errorText(err)}`, err);
    }
    const declared = e.uncompressedSize;
    const small = e.compressedSize <= SMALL_ENTRY && declared <= SMALL_ENTRY;
    const inMemory = this.reader.viewAt?.(fileDataStart, e.compressedSize);
    let crc: number;
    if (inMemory !== undefined) {
      if (inMemory.length < e.compressedSize) throw this.malformed(`entry ${name}: unexpected EOF`);
      const views = method === 8 ? this.storedViews(e, inMemory, name) : [inMemory];
      if (views !== undefined) crc = await this.readViews(e, views, name, onChunk);
      else if (small) crc = await this.inflateWhole(e, inMemory, name, onChunk);
      else crc = await this.readStreamed(e, fileDataStart, name, onChunk, { storedFirst: false });
    } else if (small) {
      crc = await this.readSmall(e, fileDataStart, name, onChunk);
    } else {
      crc = await this.readStreamed(e, fileDataStart, name, onChunk, options);
    }
    // Go: with a data descriptor, its CRC and the computed one must both equal the
    // directory's; without, the computed CRC must match unless the directory says 0.
    if (flags & FLAG_DATA_DESCRIPTOR) {
      const descriptorCrc = await this.readDescriptorCrc(fileDataStart + entry.compressedSize);
      if (descriptorCrc !== entry.crc32 || crc !== entry.crc32) {
        throw this.malformed(`checksum error in entry ${name}`);
      }
    } else if (entry.crc32 !== 0 && crc !== entry.crc32) {
      throw this.malformed(`checksum error in entry ${name}`);
    }
  }

  /**
   * Small entries (most files of most modules) in one read and one inflate call: the data
   * usually sits in the read-ahead slot the local header was read through, and per-entry
   * stream set-up would cost more than the data. Returns the CRC-32.
   */
  private async readSmall(
    e: ZipEntry,
    fileDataStart: number,
    name: string,
    onChunk: (chunk: Buffer) => void | Promise<void>,
  ): Promise<number> {
    const compressed = Buffer.allocUnsafe(e.compressedSize);
    const n = await this.reader.readAt(compressed, 0, e.compressedSize, fileDataStart);
    if (n < e.compressedSize) throw this.malformed(`entry ${name}: unexpected EOF`);
    return this.inflateWhole(e, compressed, name, onChunk);
  }

  /** A small entry's content from its whole compressed data, in one inflate call. */
  private async inflateWhole(
    e: ZipEntry,
    compressed: Buffer,
    name: string,
    onChunk: (chunk: Buffer) => void | Promise<void>,
  ): Promise<number> {
    const data =
      e.entry.compressionMethod === 8
        ? this.inflate(compressed, e.uncompressedSize, name)
        : compressed;
    if (data.length > e.uncompressedSize) {
      throw this.malformed(`entry ${name} is larger than its declared size`);
    }
    if (data.length < e.uncompressedSize) {
      throw this.malformed(`entry ${name} is smaller than its declared size`);
    }
    await onChunk(data);
    return crc32(data);
  }

  /**
   * The content of a deflated entry held in memory as views of the zip where it is made of
   * stored blocks (storedDeflateBlocks), with a compressed rest of at most SMALL_ENTRY bytes
   * inflated (the stored output before it is its window); undefined where it is not (the
   * caller inflates it all). The output is at most the declared size plus one byte.
   */
  private storedViews(e: ZipEntry, compressed: Buffer, name: string): Buffer[] | undefined {
    const declared = e.uncompressedSize;
    const blocks = storedDeflateBlocks(compressed, declared);
    if (blocks === undefined) return undefined;
    if (blocks.rest < 0) return blocks.views;
    if (compressed.length - blocks.rest > SMALL_ENTRY) return undefined;
    const rest = this.inflate(compressed.subarray(blocks.rest), declared - blocks.output, name, {
      dictionary: deflateWindow(blocks.views),
    });
    return [...blocks.views, rest];
  }

  /**
   * An entry held in memory whose content is `views` of the zip itself (stored, or deflated
   * into stored blocks only: see storedDeflateBlocks, which gives no more than the declared
   * size): no inflate, no copy. Returns the CRC-32.
   */
  private async readViews(
    e: ZipEntry,
    views: Buffer[],
    name: string,
    onChunk: (chunk: Buffer) => void | Promise<void>,
  ): Promise<number> {
    let size = 0;
    for (const view of views) size += view.length;
    if (size > e.uncompressedSize) {
      throw this.malformed(`entry ${name} is larger than its declared size`);
    }
    if (size < e.uncompressedSize) {
      throw this.malformed(`entry ${name} is smaller than its declared size`);
    }
    let crc = 0;
    for (const view of views) {
      crc = crc32(view, crc);
      await onChunk(view);
    }
    return crc;
  }

  /**
   * Raw-inflates `compressed` in one call, stopping past `max` bytes of output (which is then
   * more than the entry declares).
   */
  private inflate(
    compressed: Buffer,
    max: number,
    name: string,
    options: { dictionary?: Buffer } = {},
  ): Buffer {
    try {
      return inflateRawSync(compressed, { ...options, maxOutputLength: max + 1 });
    } catch (err) {
      if (err instanceof RangeError) {
        throw this.malformed(`entry ${name} is larger than its declared size`);
      }
      throw this.malformed(`entry ${name}: ${errorText(err)}`, err);
    }
  }

  /** Larger entries: see readLargeEntry. */
  private readStreamed(
    e: ZipEntry,
    fileDataStart: number,
    name: string,
    onChunk: (chunk: Buffer) => void | Promise<void>,
    options: LargeEntryOptions,
  ): Promise<number> {
    const large = {
      name,
      method: e.entry.compressionMethod,
      fileDataStart,
      compressedSize: e.compressedSize,
      uncompressedSize: e.uncompressedSize,
    };
    return readLargeEntry(this.entryBytes, large, onChunk, options);
  }

  /** How readLargeEntry reads this zip. */
  private readonly entryBytes: EntryBytes = {
    malformed: (reason, cause) => this.malformed(reason, cause),
    readAt: (buffer, offset, length, position) =>
      this.reader.readAt(buffer, offset, length, position),
    openRaw: (entry, from) =>
      new Promise<Readable>((resolve, reject) => {
        this.zip.openReadStreamLowLevel(
          entry.fileDataStart,
          entry.compressedSize,
          from,
          entry.compressedSize,
          false, // inflated by readLargeEntry, with larger chunks than yauzl's
          null,
          (err, s) => (err ? reject(err) : resolve(s)),
        );
      }),
  };

  private async readDescriptorCrc(offset: number): Promise<number> {
    const buf = Buffer.alloc(8);
    const bytesRead = await this.reader.readAt(buf, 0, 8, offset);
    if (bytesRead < 8) throw this.malformed('truncated data descriptor');
    const first = buf.readUInt32LE(0);
    return first === DATA_DESCRIPTOR_SIGNATURE ? buf.readUInt32LE(4) : first;
  }

  async close(): Promise<void> {
    this.zip.close();
    await this.fh?.close();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
