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
 * Bytes per read and write when the source fills our buffer; each response holds one: 16
 * downloads hold 8 MiB. With the buffer reused, the size decides how many reads and writes
 * each gigabyte costs, and whether the chunk just read is still in the CPU's cache (1 MiB of
 * L2 per core here) when the socket write copies it. 16 downloads of a 105 MB zip read from
 * the page cache, same runs (bench/README.md): one 512 KiB buffer 0.85 x and 0.90 x the CPU
 * per GB of two 256 KiB buffers alternating (a read overlapping the write before it), in
 * 8 of 8 rounds, at the same memory; one 256 KiB buffer 0.99 x. With two buffers, against
 * 256 KiB: 64 KiB 1.17 x, 128 KiB 1.16 x, 1 MiB 0.93 x but +30 MB of peak RSS.
 */
export const SEND_CHUNK_BYTES = 512 * 1024;

/**
 * Send buffers of finished responses, handed to the next ones (issue 9 item 6): without them
 * every download allocated fresh buffers, and 16 clients re-downloading a 105 MB zip left
 * ~9 MiB/s of dead buffers that lived until V8's next full collection (with a 2 × 4 MB young
 * generation they are promoted first): +16-30 MB of peak RSS in the serving bench. At most
 * 16 downloads' worth (8 MiB) is kept. A buffer only comes back when no write of it is in
 * flight, and a response only ever sends the bytes just read into it.
 */
const POOL_MAX_BUFFERS = 16;
const pool: Buffer[] = [];

/** How many send buffers wait in the pool (for tests). */
export function pooledSendBuffers(): number {
  return pool.length;
}

function takeBuffer(size: number): Buffer {
  return (size === SEND_CHUNK_BYTES ? pool.pop() : undefined) ?? Buffer.allocUnsafeSlow(size);
}

function giveBack(buffer: Buffer): void {
  if (buffer.length === SEND_CHUNK_BYTES && pool.length < POOL_MAX_BUFFERS) pool.push(buffer);
}

/**
 * Streams `source` into a response whose headers are set; resolves when the response is
 * finished. What `stream/promises` pipeline() would do, without the AbortController and
 * DOMException it creates per call:
 * - the client going away first (res closed unfinished) destroys the source (its file handle
 *   is released) and rejects with ERR_STREAM_PREMATURE_CLOSE;
 * - a source failure cuts the connection (the client sees a truncated body, never a bad one)
 *   and rejects with the source's error;
 * - a client that takes none of the answer for `sendTimeoutMs` (0: no limit; see SendWatch)
 *   has its connection cut, and the promise rejects with a SendTimeoutError.
 * A source that can fill buffers (a stored file) is copied through one reused buffer, filled
 * again only once the socket is done with it; any other is piped.
 */
export function sendStream(
  source: Readable,
  res: ServerResponse,
  sendTimeoutMs = 0,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failure: unknown;
    const fail = (err: unknown): void => {
      failure ??= err;
      res.destroy(err as Error);
    };
    source.once('error', fail);
    const filler = isBufferFiller(source);
    const watch = sendTimeoutMs > 0 ? new SendWatch(res, sendTimeoutMs, filler, fail) : undefined;
    finished(res, (err) => {
      watch?.stop();
      if (failure === undefined && err === undefined) {
        resolve();
        return;
      }
      failure ??= err;
      source.destroy();
      reject(failure as Error);
    });
    if (filler) copyThroughBuffer(source, res, watch).catch(fail);
    else source.pipe(res);
  });
}

/**
 * How long `heldBytes` waiting to be sent may wait on a client that takes none of them before
 * the connection is cut: the send timeout per SEND_CHUNK_BYTES (at least one), so a client
 * must take one piece per timeout however the answer was written (streamed or whole).
 */
export function sendAllowanceMs(sendTimeoutMs: number, heldBytes: number): number {
  return sendTimeoutMs * Math.max(1, Math.ceil(heldBytes / SEND_CHUNK_BYTES));
}

/**
 * What a download is cut with when its client took none of it for `server.send_timeout`
 * (code `MODGATE_SEND_TIMEOUT`): not a server fault, logged as the client's.
 */
export class SendTimeoutError extends Error {
  readonly code = 'MODGATE_SEND_TIMEOUT';
  constructor(ms: number) {
    super(`the client took none of the answer for ${ms / 1000} s (server.send_timeout)`);
    this.name = 'SendTimeoutError';
  }
}

/**
 * Cuts a response whose client stops reading (server.send_timeout): otherwise a client that
 * never reads holds its connection, a file descriptor and a send buffer for as long as it
 * likes (a slow-read attack needs only a few hundred such connections). Only time the
 * response waits on the client counts, never time it waits on its source (a slow disk or
 * upstream). One unref'd timer per streamed response, re-armed on progress:
 * - a buffer-filling source (copyThroughBuffer): progress is a write's callback; the timer
 *   firing while a write is in flight means that write (≤ SEND_CHUNK_BYTES) has waited this
 *   long for the client;
 * - a piped source: progress is 'drain'; the response must be waiting for one (the socket's
 *   buffer full) at two firings in a row with no 'drain' between, so the client took nothing
 *   for at least the timeout (at most twice it).
 */
class SendWatch {
  /** A write of the copy is in flight (buffer-filling sources). */
  writing = false;
  private strike = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onDrain = (): void => this.progress();

  constructor(
    private readonly res: ServerResponse,
    private readonly ms: number,
    private readonly filler: boolean,
    private readonly fail: (err: unknown) => void,
  ) {
    this.timer = setTimeout(() => this.fire(), ms).unref();
    if (!filler) res.on('drain', this.onDrain);
  }

  progress(): void {
    this.strike = false;
    this.timer.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.res.off('drain', this.onDrain);
  }

  private fire(): void {
    if (this.res.destroyed) return;
    const waiting = this.filler ? this.writing : this.res.writableNeedDrain;
    if (waiting && (this.filler || this.strike)) {
      this.fail(new SendTimeoutError(this.ms));
      return;
    }
    this.strike = waiting;
    this.timer.refresh();
  }
}

function isBufferFiller(source: Readable): source is Readable & BufferFiller {
  const s = source as Partial<BufferFiller>;
  return typeof s.readInto === 'function' && typeof s.remaining === 'number';
}

/**
 * Reads a chunk into the buffer, writes it, waits until the socket is done with it (the
 * write's callback ran, so the socket holds no reference to it, or the response closed), and
 * reads the next into the same buffer; ends the response after the last byte. A read from the
 * page cache is a memory copy (SyncReadGate), so overlapping it with the write before it buys
 * nothing, and right after the read the bytes are still in the CPU's cache when the write
 * copies them. (When reads go to the thread pool, the disk being slow, the socket still sends
 * what its kernel buffer holds during a read, and the kernel's readahead keeps reading ahead
 * of us.) A read failure rejects (the source failed); a failed write just stops the copy:
 * the response is gone, and sendStream's `finished` reports that. No write is in flight once
 * the copy stops, so the buffer always goes back to the pool.
 */
async function copyThroughBuffer(
  source: Readable & BufferFiller,
  res: ServerResponse,
  watch: SendWatch | undefined,
) {
  const buffer = takeBuffer(Math.min(SEND_CHUNK_BYTES, source.remaining));
  // The write in flight also ends when the response closes: http drops a write whose socket is
  // already destroyed, callback and all, and 'close' follows (OutgoingMessage's _writeRaw).
  // With synchronous reads (SyncReadGate) the next write comes right after the previous
  // callback, before 'close': without this, 14 of 16 downloads cut by their clients hung here,
  // holding their buffers until a full garbage collection (RSS +4-8 MB per cut). 'close' comes
  // from the socket's, after libuv has ended every write of the socket, so the buffer is free
  // again then.
  let endWrite: ((ok: boolean) => void) | undefined;
  const onClose = (): void => endWrite?.(false);
  res.once('close', onClose);
  try {
    for (;;) {
      const n = await source.readInto(buffer);
      if (res.destroyed) return;
      if (n === 0) break;
      const chunk = n === buffer.length ? buffer : buffer.subarray(0, n);
      if (watch !== undefined) watch.writing = true;
      const ok = await new Promise<boolean>((resolve) => {
        endWrite = resolve;
        res.write(chunk, (err) => resolve(err === undefined || err === null));
      });
      if (watch !== undefined) {
        watch.writing = false;
        watch.progress();
      }
      if (!ok || res.destroyed) return;
    }
    res.end();
  } finally {
    res.off('close', onClose);
    source.destroy();
    giveBack(buffer);
  }
}
