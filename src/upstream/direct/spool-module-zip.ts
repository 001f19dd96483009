import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ZipSource } from '../upstream.js';
import { ModgateError } from '../../errors/index.js';
import { ByteLimit } from '../../zip/index.js';

/**
 * Writes a module zip made from a repository to a temporary file before anyone serves a byte
 * of it, so that its size is known up front: a zip over the configured limit is refused with
 * an error that names the limit (instead of a response cut off half-way, which the go command
 * can only report as "unexpected EOF"), and the zip goes out with its size. The file is
 * removed once the returned stream closes, however it ends.
 */
export async function spoolModuleZip(
  zip: Readable,
  maxBytes: number,
  label: string,
  tmpDir: string | undefined,
  signal?: AbortSignal,
): Promise<ZipSource> {
  const dir = await mkdtemp(join(tmpDir ?? tmpdir(), 'modgate-modzip-'));
  const file = join(dir, 'module.zip');
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  let size: number;
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
      createWriteStream(file, { mode: 0o600 }),
      ...(signal ? [{ signal }] : []),
    );
    size = (await stat(file)).size;
  } catch (err) {
    zip.destroy();
    await cleanup();
    throw err;
  }
  const stream = createReadStream(file);
  stream.once('close', () => void cleanup());
  return { stream, size };
}
