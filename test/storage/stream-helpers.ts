import { PassThrough, Readable } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/** Reads a stream to its end. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A stream of `data` in chunks of `chunkSize` bytes. */
export function chunked(data: Buffer, chunkSize = 1000): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

/** A stream that yields `data`, then fails with `error`. */
export function failing(data: Buffer, error: Error): Readable {
  return new Readable({
    read() {
      if (data.length > 0) {
        this.push(data);
        data = Buffer.alloc(0);
      } else {
        this.destroy(error);
      }
    },
  });
}

/** A stream the test feeds by hand, to hold a write open half-way. */
export function manual(): PassThrough {
  return new PassThrough();
}

/**
 * Lets a backend consume what was written so far. Assertions never depend on it (they hold
 * however far the write got); it only makes "during the write" checks meaningful.
 */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await nextTurn();
  await sleep(20);
}

/** `n` bytes counting up from `seed`, so offsets are recognisable. */
export function pattern(n: number, seed = 0): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i + seed) & 0xff;
  return b;
}
