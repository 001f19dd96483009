/**
 * x/mod/zip Create: writes the module zip for `modulePath@version` from a list of files,
 * streaming (yazl), one file open at a time. Only the files checkFiles deems valid are
 * written, in input order, deflated, as `<path>@<version>/<file>`, with fixed timestamps and
 * NO directory entries (they would change the h1). Content longer than a file's declared
 * size is an error (shorter is accepted and written as is, as in Go).
 */
import { Readable, type Writable } from 'node:stream';
import { ByteLimit } from './byte-limit.js';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { ModgateError } from '../errors/index.js';
import { goQuote } from '../module/index.js';
import { checkedFilesError } from './checked-files.js';
import { classifyFiles, type FileEntry } from './check-files.js';
import { checkModuleVersion } from './check-module-version.js';
import { ModuleFilesError } from './module-files-error.js';
import type { FileContent } from './dirhash.js';
import { MAX_GO_MOD } from './limits.js';

/** A file to put in a zip: its Lstat facts and a way to read it. */
export interface ZipSourceFile extends FileEntry {
  open(): FileContent | Promise<FileContent>;
}

/** Go writes zero times; DOS time starts at 1980-01-01 (local time, as yazl encodes it). */
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/**
 * Writes the zip to `out`. Throws ModgateError (message `create zip: …` as in Go):
 * `invalid` for a bad module path or non-canonical version; `checksum` for invalid files
 * (all listed, one `path: reason` per line) or content longer than declared; `too-large` for
 * size limits. The refusal of the file list itself (before any byte is written) is a
 * ModuleFilesError. On failure after writing started, `out` is destroyed with the error.
 */
export async function createZip(
  modulePath: string,
  version: string,
  files: readonly ZipSourceFile[],
  out: Writable,
): Promise<void> {
  try {
    checkModuleVersion(modulePath, version);
  } catch (err) {
    throw rewrap(err);
  }
  const rootGoMod = await readRootGoMod(files);
  const { report, validIndexes } = classifyFiles(files, { rootGoMod });
  const problem = checkedFilesError(report);
  if (problem !== undefined) {
    const kind =
      report.sizeError !== undefined || / too large /.test(problem) ? 'too-large' : 'checksum';
    throw new ModuleFilesError(kind, `create zip: ${problem}`, report);
  }

  const prefix = `${modulePath}@${version}/`;
  const zip = new yazl.ZipFile();
  let failed: (err: unknown) => void = () => {};
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  zip.on('error', (err: unknown) => failed(err));
  for (const index of validIndexes) {
    const f = files[index]!;
    zip.addReadStreamLazy(
      prefix + f.path,
      { mtime: ZIP_MTIME, mode: 0o100644, compress: true, forceDosTimestamp: true },
      (cb) => {
        Promise.resolve()
          .then(() => f.open())
          .then((content) => {
            const src = toReadable(content);
            const limited = new ByteLimit(
              f.size,
              () =>
                new ModgateError(
                  'checksum',
                  `file ${goQuote(f.path)} is larger than declared size`,
                ),
            );
            src.on('error', failed);
            limited.on('error', failed);
            cb(null, src.pipe(limited));
          })
          .catch(failed);
      },
    );
  }
  zip.end();
  const written = pipeline(zip.outputStream, out);
  try {
    await Promise.race([written, failure]);
  } catch (err) {
    (zip.outputStream as Readable).destroy(err instanceof Error ? err : new Error(String(err)));
    await written.catch(() => {});
    throw rewrap(err);
  }
}

function rewrap(err: unknown): unknown {
  if (err instanceof ModgateError) {
    return new ModgateError(err.kind, `create zip: ${err.message}`, { cause: err });
  }
  return err;
}

/** Go reads the root go.mod (exactly `go.mod`, regular) for its `go` directive. */
async function readRootGoMod(files: readonly ZipSourceFile[]): Promise<Buffer | undefined> {
  let data: Buffer | undefined;
  for (const f of files) {
    if (f.path !== 'go.mod' || f.mode !== 'file') continue;
    data = await readBounded(await f.open(), MAX_GO_MOD + 1);
  }
  return data;
}

/** At most `limit` bytes of `content` (an oversized go.mod fails the size rule anyway). */
async function readBounded(content: FileContent, limit: number): Promise<Buffer> {
  if (content instanceof Uint8Array) return Buffer.from(content.subarray(0, limit));
  const chunks: Buffer[] = [];
  let n = 0;
  const it = content[Symbol.asyncIterator]();
  try {
    while (n < limit) {
      const next = await it.next();
      if (next.done === true) break;
      const chunk =
        typeof next.value === 'string' ? Buffer.from(next.value) : Buffer.from(next.value);
      chunks.push(chunk);
      n += chunk.length;
    }
  } finally {
    await it.return?.();
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

function toReadable(content: FileContent): Readable {
  if (content instanceof Readable) return content;
  if (content instanceof Uint8Array) return Readable.from([Buffer.from(content)]);
  return Readable.from(content);
}
