/**
 * A yauzl RandomAccessReader over a FileHandle we own (yauzl's own fd reader closes the fd
 * behind our back). Small reads — central-directory records, local headers, data
 * descriptors — go through a two-slot read-ahead cache so a zip of many small files costs a
 * few large reads instead of two syscalls per entry; content is streamed uncached.
 */
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';

const READ_AHEAD = 64 * 1024;
const STREAM_CHUNK = 256 * 1024;

interface Slot {
  start: number;
  data: Buffer;
}

export class FileHandleReader extends yauzl.RandomAccessReader {
  private readonly slots: Slot[] = [];

  constructor(
    private readonly fh: FileHandle,
    private readonly size: number,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    // Not fh.createReadStream: destroying such a stream can close the handle we share.
    const fh = this.fh;
    async function* chunks(): AsyncGenerator<Buffer> {
      let pos = start;
      while (pos < end) {
        const buf = Buffer.allocUnsafe(Math.min(STREAM_CHUNK, end - pos));
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) return; // yauzl reports the short read
        pos += bytesRead;
        yield buf.subarray(0, bytesRead);
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
    this.readAt(buffer, offset, length, position).then(
      (n) => callback(null, n),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  }

  /** Reads up to `length` bytes at `position`; fewer only at end of file. */
  async readAt(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    if (length > READ_AHEAD) {
      const { bytesRead } = await this.fh.read(buffer, offset, length, position);
      return bytesRead;
    }
    let slot = this.slots.find(
      (s) => position >= s.start && position + length <= s.start + s.data.length,
    );
    if (slot === undefined) {
      const want = Math.min(READ_AHEAD, Math.max(0, this.size - position));
      const data = Buffer.allocUnsafe(want);
      const { bytesRead } =
        want > 0 ? await this.fh.read(data, 0, want, position) : { bytesRead: 0 };
      slot = { start: position, data: data.subarray(0, bytesRead) };
      this.slots.unshift(slot);
      if (this.slots.length > 2) this.slots.pop();
      if (bytesRead < length) {
        slot.data.copy(buffer, offset);
        return bytesRead;
      }
    } else if (this.slots[0] !== slot) {
      this.slots.splice(this.slots.indexOf(slot), 1);
      this.slots.unshift(slot);
    }
    const from = position - slot.start;
    slot.data.copy(buffer, offset, from, from + length);
    return length;
  }

  /** The FileHandle belongs to the caller; yauzl's close must not close it. */
  override close(callback: (err: Error | null) => void): void {
    setImmediate(() => callback(null));
  }
}
