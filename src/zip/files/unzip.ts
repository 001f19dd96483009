/**
 * x/mod/zip Unzip: extracts a module zip into an empty (or absent) directory after checking
 * every rule of CheckZip, creating files read-only (0444) as the module cache does. Content
 * is verified while it is written (exact declared size, CRC-32); a failure can leave some
 * files behind, as in Go, so callers extract into a scratch directory and rename.
 */
import { mkdir, open, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ModgateError, invalid } from '../../errors/index.js';
import { checkedFilesError } from '../checked-files.js';
import { checkZipReport } from './check-zip.js';
import { DEFAULT_MAX_ZIP_ENTRIES } from '../limits.js';
import { decodeGoString } from '../go-string.js';
import { ModuleZipReader } from './module-zip-reader.js';

/**
 * Throws ModgateError: `invalid` for a bad module path/version or a non-empty target,
 * `too-large` for size limits, `checksum` for rule violations and malformed zips. Messages
 * read like Go's: `unzip <file>: <problem>`, rule violations as `<entry name>: <reason>`
 * lines.
 */
export async function unzipToDir(
  filePath: string,
  dir: string,
  modulePath: string,
  version: string,
): Promise<void> {
  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.length > 0) {
    throw invalid(`unzip ${filePath}: target directory ${dir} exists and is not empty`);
  }
  const report = await checkZipReport(filePath, modulePath, version).catch((err: unknown) => {
    if (err instanceof ModgateError) {
      throw new ModgateError(err.kind, `unzip ${filePath}: ${err.message}`, { cause: err });
    }
    throw err;
  });
  const problem = checkedFilesError(report);
  if (problem !== undefined) {
    const kind = report.sizeError !== undefined ? 'too-large' : 'checksum';
    throw new ModgateError(kind, `unzip ${filePath}: ${problem}`);
  }

  const prefixLength = Buffer.byteLength(`${modulePath}@${version}/`);
  await mkdir(dir, { recursive: true });
  const reader = await ModuleZipReader.open(filePath, {
    label: `unzip ${filePath}`,
    maxEntries: DEFAULT_MAX_ZIP_ENTRIES,
  });
  try {
    for await (const entry of reader.entries()) {
      const name = decodeGoString(entry.rawName.subarray(prefixLength));
      if (name === '' || name.endsWith('/')) continue;
      const dst = join(dir, ...name.split('/'));
      await mkdir(dirname(dst), { recursive: true });
      const out = await open(dst, 'wx', 0o444);
      try {
        await reader.readContent(entry, async (chunk) => {
          await out.write(chunk);
        });
      } finally {
        await out.close();
      }
    }
  } finally {
    await reader.close();
  }
}
