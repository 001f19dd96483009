import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { processSyncReadGate, type SyncReadGate } from './sync-read-gate.js';

/**
 * The stream disk `openRead` returns: bytes `start`..`end` (inclusive) of an open file, whose
 * descriptor it owns and closes when it ends or is destroyed.
 *
 * Read as any Readable, each read is a fresh Buffer of up to `chunkBytes`. A consumer that
 * knows when it is done with a buffer can call `readInto` instead, which fills the caller's
 * buffer: sendStream (src/http/send-stream.ts) then reuses one buffer per response instead
 * of allocating one per chunk, and streaming 1 GB no longer means 1 GB of ArrayBuffers for
 * the garbage collector (with 256 KiB chunks that churn made V8 run a full mark-compact every
 * ~100 ms during 16 downloads). `readInto` reads synchronously while `gate` says the disk
 * answers from memory, through the thread pool otherwise (see SyncReadGate). A consumer uses
 * one way or the other, never both.
 */
export class FileRangeStream extends Readable {
  private position: number;
  /** One past the last byte to read. */
  private readonly limit: number;

  constructor(
    private readonly handle: FileHandle,
    start: number,
    end: number,
    private readonly chunkBytes: number,
    private readonly gate: SyncReadGate = processSyncReadGate,
  ) {
    super({ highWaterMark: chunkBytes });
    this.position = start;
    this.limit = end + 1;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return Math.max(0, this.limit - this.position);
  }

  /**
   * Reads the next bytes into `buffer` (as many as fit, up to the range's end); resolves with
   * how many, 0 at the end. Rejects once the stream is destroyed. One call at a time.
   */
  async readInto(buffer: Buffer): Promise<number> {
    if (this.destroyed) throw new Error('read from a destroyed file stream');
    const length = Math.min(buffer.length, this.remaining);
    if (length === 0) {
      this.destroy(); // the end: release the descriptor now
      return 0;
    }
    let bytesRead: number;
    if (this.gate.isOpen()) {
      const startedAt = this.gate.now();
      try {
        bytesRead = readSync(this.handle.fd, buffer, 0, length, this.position);
      } finally {
        this.gate.recordStreamRead(startedAt);
      }
    } else {
      ({ bytesRead } = await this.handle.read(buffer, 0, length, this.position));
    }
    if (bytesRead === 0) throw this.truncated();
    this.position += bytesRead;
    return bytesRead;
  }

  override _read(): void {
    const length = Math.min(this.chunkBytes, this.remaining);
    if (length === 0) {
      this.push(null);
      return;
    }
    const buffer = Buffer.allocUnsafeSlow(length);
    this.handle.read(buffer, 0, length, this.position).then(
      ({ bytesRead }) => {
        if (bytesRead === 0) {
          this.destroy(this.truncated());
          return;
        }
        this.position += bytesRead;
        this.push(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
      },
      (err: Error) => this.destroy(err),
    );
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    // FileHandle.close waits for a read still in flight.
    this.handle.close().then(
      () => callback(err),
      (closeErr: Error) => callback(err ?? closeErr),
    );
  }

  /** The file ended before the range did (it was cut short under us: never by modgate). */
  private truncated(): Error {
    return new Error(`file ended at byte ${this.position}, before the end of the range read`);
  }
}
