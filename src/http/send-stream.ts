import type { ServerResponse } from 'node:http';
import { finished, type Readable } from 'node:stream';

/**
 * A source that fills a caller's buffer rather than handing out buffers of its own: the disk
 * storage's `openRead` streams (src/storage/disk/file-range-stream.ts). Recognised by shape,
 * so this layer needs no import from storage.
 */
interface BufferFiller {
  /** Bytes not read yet. */
  readonly remaining: number;
  /** Fills `buffer` from the start with the next bytes; resolves with how many, 0 at the end. */
  readInto(buffer: Buffer): Promise<number>;
}

/**
 * Bytes per read and write when the source fills our buffers. Each response holds at most two
 * (one being written, one being read into): 16 downloads hold 8 MiB. With the buffers reused,
 * the size only decides how many reads and writes each gigabyte costs; the kernel's copies
 * (page cache to buffer, buffer to socket) dominate from 256 KiB on. 16 downloads of a 105 MB
 * zip read from the page cache, against 256 KiB in the same run: 64 KiB 1.17 x the CPU per
 * GB, 128 KiB 1.16 x, 1 MiB 0.93 x but +30 MB of peak RSS (bench/README.md). When reads went
 * through the thread pool: 0.57-0.71 CPU s/GB with 256 KiB, 0.62-0.69 with 1 MiB, 0.74-0.99
 * with 64-128 KiB.
 */
export const SEND_CHUNK_BYTES = 256 * 1024;

/**
 * Send buffers of finished responses, handed to the next ones (issue 9 item 6): without them
 * every download allocated two fresh 256 KiB buffers, and 16 clients re-downloading a 105 MB
 * zip left ~9 MiB/s of dead buffers that lived until V8's next full collection (with a 2 × 4 MB
 * young generation they are promoted first): +16-30 MB of peak RSS in the serving bench. At
 * most 16 downloads' worth (8 MiB) is kept. Buffers only come back when no write of theirs is
 * in flight, and a response only ever sends the bytes just read into them.
 */
const POOL_MAX_BUFFERS = 32;
const pool: Buffer[] = [];

/** How many send buffers wait in the pool (for tests). */
export function pooledSendBuffers(): number {
  return pool.length;
}

function takeBuffer(size: number): Buffer {
  return (size === SEND_CHUNK_BYTES ? pool.pop() : undefined) ?? Buffer.allocUnsafeSlow(size);
}

function giveBack(buffers: Buffer[]): void {
  for (const b of buffers) {
    if (b.length === SEND_CHUNK_BYTES && pool.length < POOL_MAX_BUFFERS) pool.push(b);
  }
}

/**
 * Streams `source` into a response whose headers are set; resolves when the response is
 * finished. What `stream/promises` pipeline() would do, without the AbortController and
 * DOMException it creates per call:
 * - the client going away first (res closed unfinished) destroys the source (its file handle
 *   is released) and rejects with ERR_STREAM_PREMATURE_CLOSE;
 * - a source failure cuts the connection (the client sees a truncated body, never a bad one)
 *   and rejects with the source's error.
 * A source that can fill buffers (a stored file) is copied through two reused buffers, each
 * written again only once the socket is done with it; any other is piped.
 */
export function sendStream(source: Readable, res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failure: unknown;
    const fail = (err: unknown): void => {
      failure ??= err;
      res.destroy(err as Error);
    };
    source.once('error', fail);
    finished(res, (err) => {
      if (failure === undefined && err === undefined) {
        resolve();
        return;
      }
      failure ??= err;
      source.destroy();
      reject(failure as Error);
    });
    if (isBufferFiller(source)) copyThroughBuffers(source, res).catch(fail);
    else source.pipe(res);
  });
}

function isBufferFiller(source: Readable): source is Readable & BufferFiller {
  const s = source as Partial<BufferFiller>;
  return typeof s.readInto === 'function' && typeof s.remaining === 'number';
}

/**
 * Reads the next chunk while the previous one is being written: buffer i is read into again
 * only after the write of chunk i-2, which used it, has completed (its callback ran, so the
 * socket holds no reference to it any more) or the response closed. Ends the response after
 * the last byte. A read failure rejects (the source failed); a failed write just stops the
 * copy: the response is gone, and sendStream's `finished` reports that.
 */
async function copyThroughBuffers(source: Readable & BufferFiller, res: ServerResponse) {
  const size = Math.min(SEND_CHUNK_BYTES, source.remaining);
  const buffers = [takeBuffer(size)];
  if (source.remaining > size) buffers.push(takeBuffer(size));
  let written: Promise<boolean> = Promise.resolve(true);
  // True while no write is in flight (the socket holds none of `buffers`): only then do they go
  // back to the pool; after a failed read they are left to the garbage collector.
  let settled = true;
  // The write in flight also ends when the response closes: http drops a write whose socket is
  // already destroyed, callback and all, and 'close' follows (OutgoingMessage's _writeRaw).
  // With synchronous reads (SyncReadGate) the next write comes right after the previous
  // callback, before 'close': without this, 14 of 16 downloads cut by their clients hung here, holding
  // their two buffers until a full garbage collection (RSS +4-8 MB per cut). 'close' comes
  // from the socket's, after libuv has ended every write of the socket, so the buffers are
  // free again then.
  let endWrite: ((ok: boolean) => void) | undefined;
  const onClose = (): void => endWrite?.(false);
  res.once('close', onClose);
  try {
    for (let i = 0; ; i++) {
      const buffer = buffers[i % buffers.length] as Buffer;
      const n = await source.readInto(buffer);
      const ok = await written;
      settled = true;
      if (!ok || res.destroyed) return;
      if (n === 0) break;
      settled = false;
      const chunk = n === buffer.length ? buffer : buffer.subarray(0, n);
      written = new Promise((resolve) => {
        endWrite = resolve;
        res.write(chunk, (err) => resolve(err === undefined || err === null));
      });
      if (buffers.length === 1) {
        const done = await written;
        settled = true;
        if (!done) return;
      }
    }
    res.end();
  } finally {
    res.off('close', onClose);
    source.destroy();
    if (settled) giveBack(buffers);
  }
}
