import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ZipSource } from '../upstream.js';
import { ModgateError } from '../../errors/index.js';
import { ByteLimit } from '../../zip/index.js';

/**
 * Module zips up to this size are held in memory; only bigger ones are written to a file.
 * Most module zips are well under it, so a direct fetch usually writes no second copy of the
 * zip to disk (storage keeps the one that counts).
 */
export const IN_MEMORY_ZIP_BYTES = 8 * 1024 * 1024;

/**
 * Collects a module zip made from a repository before anyone serves a byte of it, so that
 * its size is known up front: a zip over the configured limit is refused with an error that
 * names the limit (instead of a response cut off half-way, which the go command can only
 * report as "unexpected EOF"), and the zip goes out with its size. Up to `inMemoryBytes` it is
 * kept in memory; past that it spills to a temporary file, removed once the returned stream
 * closes, however it ends.
 */
export async function spoolModuleZip(
  zip: Readable,
  maxBytes: number,
  label: string,
  tmpDir: string | undefined,
  signal?: AbortSignal,
  inMemoryBytes = IN_MEMORY_ZIP_BYTES,
): Promise<ZipSource> {
  const sink = new SpillSink(inMemoryBytes, tmpDir);
  try {
    await pipeline(
      zip,
      new ByteLimit(
        maxBytes,
        () =>
          new ModgateError(
            'too-large',
            `${label}: zip file is larger than the configured limit of ${maxBytes} bytes (limits.max_zip_size)`,
          ),
      ),
      sink,
      ...(signal ? [{ signal }] : []),
    );
  } catch (err) {
    zip.destroy();
    await sink.cleanup();
    throw err;
  }
  return sink.source();
}

/** Keeps chunks in memory up to a bound, then writes everything to a temporary file. */
class SpillSink extends Writable {
  private chunks: Buffer[] = [];
  private size = 0;
  private dir: string | undefined;
  private file: WriteStream | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly inMemoryBytes: number,
    private readonly tmpDir: string | undefined,
  ) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.size += chunk.length;
    if (this.file === undefined && this.size <= this.inMemoryBytes) {
      this.chunks.push(chunk);
      cb();
      return;
    }
    const writing = this.toFile(chunk);
    this.writing = writing.catch(() => undefined);
    writing.then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    const file = this.file;
    if (file === undefined) {
      cb();
      return;
    }
    file.end(() => cb());
    file.once('error', cb);
  }

  /** The collected zip, as a stream with its size (the file goes when the stream closes). */
  source(): ZipSource {
    if (this.dir === undefined) {
      const data = Buffer.concat(this.chunks, this.size);
      this.chunks = [];
      return { stream: Readable.from([data], { objectMode: false }), size: data.length };
    }
    const stream = createReadStream(join(this.dir, 'module.zip'));
    stream.once('close', () => void this.cleanup());
    return { stream, size: this.size };
  }

  async cleanup(): Promise<void> {
    await this.writing; // (a file being created is removed too)
    this.chunks = [];
    this.file?.destroy();
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
  }

  private async toFile(chunk: Buffer): Promise<void> {
    if (this.file === undefined) {
      this.dir = await mkdtemp(join(this.tmpDir ?? tmpdir(), 'modgate-modzip-'));
      this.file = createWriteStream(join(this.dir, 'module.zip'), { mode: 0o600 });
      for (const c of this.chunks) this.file.write(c);
      this.chunks = [];
    }
    const file = this.file;
    if (!file.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        file.once('drain', resolve);
        file.once('error', reject);
      });
    }
  }
}
