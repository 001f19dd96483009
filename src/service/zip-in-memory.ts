import { ModgateError } from '../errors/index.js';
import type { ZipSource } from '../upstream/upstream.js';

/**
 * The largest zip the stash downloads into memory instead of a spool file: 1 MiB, the
 * holdback of a spooled download (HOLDBACK_BYTES), so a zip this small is verified before its
 * response starts either way and no client sees a difference. Most module zips are this
 * small; for them the spool cost more than the bytes: a file created, written per chunk, read
 * back for the zip check and again for each client, each a trip to libuv's thread pool.
 */
export const MEMORY_ZIP_BYTES = 1024 * 1024;

/**
 * Zips up to this size (and over MEMORY_ZIP_BYTES) are downloaded into memory and streamed to
 * clients from there while they arrive, instead of through a spool file (see ZipDownload):
 * 16 MiB, the budget below, so one such zip at a time at most.
 */
export const MEMORY_STREAM_BYTES = 16 * 1024 * 1024;

/** At most this many bytes of zips are held in memory by downloads at once (then: spool). */
export const MEMORY_ZIPS_BUDGET = 16 * 1024 * 1024;

export interface ZipInMemoryOptions {
  /** Sources announcing more than this (or no size) are not read into memory. */
  readonly maxBytes: number;
  /** The zip rules, size limit and checksum gates, on the whole zip. */
  readonly verify: (data: Buffer) => Promise<void>;
  /** True once shutting down: a failure then is not the upstream's, no fallback is tried. */
  readonly stopping: () => boolean;
}

/**
 * Reads a zip whose size the upstream announced (at most `maxBytes`) into memory and verifies
 * it. On a failure (the stream, a length other than announced, the rules, a gate) the next
 * `|` upstream's source is tried, as a spooled download does; nothing was sent to any client
 * yet, so any fallback will do. Resolves with the verified bytes, or with a fallback source
 * that is not for memory (no size or a larger one): the caller spools that one.
 */
export async function zipInMemory(
  first: ZipSource,
  options: ZipInMemoryOptions,
): Promise<Buffer | ZipSource> {
  let source = first;
  let firstFailure: unknown;
  for (;;) {
    try {
      const data = await receive(source);
      await options.verify(data);
      return data;
    } catch (err) {
      source.stream.destroy();
      firstFailure ??= err;
      if (source.fallback === undefined || options.stopping()) throw firstFailure;
      try {
        source = await source.fallback();
      } catch {
        throw firstFailure;
      }
      if (source.size === undefined || source.size > options.maxBytes) return source;
    }
  }
}

/** Every byte of `source`, which must be exactly its announced size. */
async function receive(source: ZipSource): Promise<Buffer> {
  const size = source.size;
  if (size === undefined) throw new ModgateError('internal', 'zip size not announced');
  const data = Buffer.allocUnsafe(size);
  let received = 0;
  for await (const chunk of source.stream as AsyncIterable<Buffer>) {
    if (received + chunk.length <= size) chunk.copy(data, received);
    received += chunk.length;
    if (received > size) break;
  }
  if (received !== size) {
    throw new ModgateError(
      'upstream',
      `zip was ${received > size ? 'more than ' : ''}${received} bytes, but the upstream announced ${size}`,
    );
  }
  return data;
}
