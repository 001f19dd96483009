import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ModgateError } from '../errors/index.js';

/**
 * Feeds every chunk of `stream` to `sink` and checks that it carried exactly `size` bytes —
 * the part of `putStream` every backend shares. It fails as soon as the stream goes past
 * `size`, so an oversized stream is never buffered or written whole.
 *
 * Errors: a size mismatch is a ModgateError `internal` naming `what`; after an abort, the
 * signal's reason (what `fetch` does too); an error of the stream itself or of `sink` passes
 * through unchanged (the caller owns the stream and knows its errors; the sink's are already
 * the backend's ModgateErrors). On any failure the stream is destroyed.
 */
export async function drainExactly(
  what: string,
  stream: Readable,
  size: number,
  sink: (chunk: Buffer) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let count = 0;
  try {
    signal?.throwIfAborted();
    await pipeline(
      stream,
      async (source: AsyncIterable<unknown>) => {
        for await (const raw of source) {
          const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as string);
          count += chunk.length;
          if (count > size) throw sizeMismatch(what, size, `more than ${size}`);
          await sink(chunk);
        }
      },
      signal === undefined ? {} : { signal },
    );
    if (count !== size) throw sizeMismatch(what, size, String(count));
  } catch (err) {
    if (!stream.destroyed) stream.destroy();
    if (signal?.aborted) throw signal.reason;
    throw err;
  }
}

function sizeMismatch(what: string, size: number, got: string): ModgateError {
  return new ModgateError('internal', `${what}: stream carried ${got} bytes, ${size} declared`);
}

/** Throws ModgateError `invalid` unless `size` is a byte count. */
export function checkSize(what: string, size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new ModgateError('invalid', `${what}: invalid size ${String(size)}`);
  }
}

/**
 * The checks every backend's putStream makes before reading: a valid key (`checkKey`, the
 * backend's own, which may also map it to a path) and a byte count. On failure the stream is
 * destroyed (its source must not be left open) and the error thrown.
 */
export function checkPutStream<T>(
  key: string,
  stream: Readable,
  size: number,
  checkKey: (key: string) => T,
): T {
  try {
    const checked = checkKey(key);
    checkSize(`putStream ${key}`, size);
    return checked;
  } catch (err) {
    stream.destroy();
    throw err;
  }
}
