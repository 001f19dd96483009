/**
 * A yauzl RandomAccessReader over a zip held in memory (a verified download answered from
 * memory, see the stash): the same reads FileHandleReader does, without a file. Reads past
 * the end are short, as a file's are; content ranges are streamed as views (no copy), and
 * ModuleZipReader takes an entry's data as a view (viewAt).
 */
import { Readable } from 'node:stream';
import yauzl from 'yauzl';

const STREAM_CHUNK = 256 * 1024;

export class BufferZipReader extends yauzl.RandomAccessReader {
  constructor(private readonly data: Buffer) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const data = this.data;
    function* chunks(): Generator<Buffer> {
      for (let pos = start; pos < Math.min(end, data.length); pos += STREAM_CHUNK) {
        yield data.subarray(pos, Math.min(end, data.length, pos + STREAM_CHUNK));
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void,
  ): void {
    const n = this.copyAt(buffer, offset, length, position);
    setImmediate(() => callback(null, n));
  }

  /** Copies up to `length` bytes at `position`; fewer only at the end of the zip. */
  readAt(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    return Promise.resolve(this.copyAt(buffer, offset, length, position));
  }

  /** The bytes at `position` as a view, not a copy (shorter at the end of the zip). */
  viewAt(position: number, length: number): Buffer {
    const start = Math.min(position, this.data.length);
    return this.data.subarray(start, Math.min(this.data.length, start + length));
  }

  private copyAt(buffer: Buffer, offset: number, length: number, position: number): number {
    if (position >= this.data.length) return 0;
    return this.data.copy(buffer, offset, position, Math.min(this.data.length, position + length));
  }

  /** The bytes belong to the caller; there is nothing to release. */
  override close(callback: (err: Error | null) => void): void {
    setImmediate(() => callback(null));
  }
}
