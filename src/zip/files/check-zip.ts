/**
 * Verifying a module zip on disk before it is stored or served: x/mod/zip CheckZip's rules
 * (see zip-entry-checker.ts) plus everything a Go client does when reading it — the zip
 * must parse, each entry's data must decompress to exactly its declared size with a
 * matching CRC-32 — and the `h1:` hash of its content, computed in the same single pass.
 *
 * Hostile input is the normal case here: entries are judged from the central directory
 * before any data is inflated, the declared sizes are capped (500 MiB total) before
 * decompression starts, inflation stops at the declared size (zip bombs), the entry count
 * is bounded up front, and memory holds only names and digests.
 */
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { ModgateError } from '../../errors/index.js';
import { type CheckedFiles, emptyCheckedFiles } from '../checked-files.js';
import { checkModuleVersion } from '../check-module-version.js';
import { hash1FromDigests } from '../dirhash.js';
import { DEFAULT_MAX_ZIP_ENTRIES, MAX_ZIP_FILE, MAX_ZIP_NAME_BYTES } from '../limits.js';
import { ModuleZipReader } from './module-zip-reader.js';
import { ZipEntryChecker } from '../zip-entry-checker.js';

export interface CheckZipOptions {
  /** Largest acceptable zip file in bytes (default and maximum: 500 MiB, Go's limit). */
  readonly maxZipBytes?: number;
  /** Largest acceptable number of entries (default 1,000,000). */
  readonly maxEntries?: number;
  /** Stops the check between entries; the rejection is the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface CheckedZip {
  /** CheckZip's report; `invalid` is empty and `sizeError` unset (else it threw). */
  readonly report: CheckedFiles;
  /** The `h1:` hash over every entry, as go.sum and the checksum database record it. */
  readonly hash: string;
  /** Size of the zip file in bytes. */
  readonly zipSize: number;
  /** Total uncompressed size of the module's files. */
  readonly contentSize: number;
}

/**
 * Checks the zip at `filePath` for module `modulePath@version` and returns its report and
 * `h1:` hash. Throws ModgateError:
 * - `invalid` — the module path or version itself is bad (Go's message);
 * - `too-large` — the zip file, its total content, its go.mod/LICENSE or its entry count is
 *   over a limit;
 * - `checksum` — any rule violation or malformed zip, e.g.
 *   `zip for example.com/m@v1.0.0 has unexpected file ../evil.go`.
 * File-system errors (missing file) propagate unchanged.
 */
export async function checkZipFile(
  filePath: string,
  modulePath: string,
  version: string,
  options: CheckZipOptions = {},
): Promise<CheckedZip> {
  const { label, maxZipBytes } = prepare(modulePath, version, options);
  const zipSize = (await stat(filePath)).size;
  checkZipSize(label, zipSize, maxZipBytes);
  const reader = await ModuleZipReader.open(filePath, {
    label,
    maxEntries: options.maxEntries ?? DEFAULT_MAX_ZIP_ENTRIES,
  });
  return checkEntries(reader, label, modulePath, version, options);
}

/**
 * checkZipFile for a zip held in memory (a download verified before it is stored or served):
 * the same rules, limits, errors and `h1:` hash, without a file operation.
 */
export async function checkZipBytes(
  data: Buffer,
  modulePath: string,
  version: string,
  options: CheckZipOptions = {},
): Promise<CheckedZip> {
  const { label, maxZipBytes } = prepare(modulePath, version, options);
  checkZipSize(label, data.length, maxZipBytes);
  const reader = await ModuleZipReader.fromBuffer(data, {
    label,
    maxEntries: options.maxEntries ?? DEFAULT_MAX_ZIP_ENTRIES,
  });
  return checkEntries(reader, label, modulePath, version, options);
}

function prepare(
  modulePath: string,
  version: string,
  options: CheckZipOptions,
): { label: string; maxZipBytes: number } {
  checkModuleVersion(modulePath, version);
  options.signal?.throwIfAborted();
  return {
    label: `zip for ${modulePath}@${version}`,
    maxZipBytes: Math.min(options.maxZipBytes ?? MAX_ZIP_FILE, MAX_ZIP_FILE),
  };
}

function checkZipSize(label: string, zipSize: number, maxZipBytes: number): void {
  if (zipSize > maxZipBytes) {
    throw new ModgateError(
      'too-large',
      `${label} is too large (${zipSize} bytes; limit is ${maxZipBytes} bytes)`,
    );
  }
}

/** Every entry: the rules, each content's SHA-256 (one pass), then the `h1:` hash. Closes `reader`. */
async function checkEntries(
  reader: ModuleZipReader,
  label: string,
  modulePath: string,
  version: string,
  options: CheckZipOptions,
): Promise<CheckedZip> {
  try {
    const checker = new ZipEntryChecker(modulePath, version);
    const names: Buffer[] = [];
    const digests: string[] = [];
    let nameBytes = 0;
    for await (const entry of reader.entries()) {
      options.signal?.throwIfAborted();
      nameBytes += entry.rawName.length;
      if (nameBytes > MAX_ZIP_NAME_BYTES) {
        throw new ModgateError(
          'too-large',
          `${label} has too many or too long file names (over ${MAX_ZIP_NAME_BYTES} bytes)`,
        );
      }
      const verdict = checker.add(entry.rawName, entry.uncompressedSize);
      if (verdict.kind === 'invalid') {
        const name = JSON.stringify(entry.rawName.toString('utf8')).slice(1, -1);
        if (verdict.badPrefix)
          throw new ModgateError('checksum', `${label} has unexpected file ${name}`);
        const kind = / too large /.test(verdict.reason) ? 'too-large' : 'checksum';
        throw new ModgateError(kind, `${label} has invalid file ${name}: ${verdict.reason}`);
      }
      if (verdict.kind === 'too-large') {
        throw new ModgateError('too-large', `${label}: ${checker.report.sizeError}`);
      }
      const h = createHash('sha256');
      // Hashed at once: the chunks may be reused buffers.
      await reader.readContent(
        entry,
        (chunk) => {
          h.update(chunk);
        },
        { transient: true },
      );
      names.push(entry.rawName);
      digests.push(h.digest('hex'));
    }
    return {
      report: checker.report,
      hash: hash1FromDigests(names, digests),
      zipSize: reader.fileSize,
      contentSize: checker.totalSize,
    };
  } finally {
    await reader.close();
  }
}

/**
 * x/mod/zip CheckZip: the full report of a zip's names and declared sizes, without reading
 * any content (so without the hash). Rule violations are reported, not thrown; throws only
 * `invalid` for a bad module path/version and `checksum` for a zip that cannot be parsed.
 * A zip file over the size limit gives a report with only `sizeError` set, as in Go.
 */
export async function checkZipReport(
  filePath: string,
  modulePath: string,
  version: string,
  options: CheckZipOptions = {},
): Promise<CheckedFiles> {
  checkModuleVersion(modulePath, version);
  const maxZipBytes = Math.min(options.maxZipBytes ?? MAX_ZIP_FILE, MAX_ZIP_FILE);
  const zipSize = (await stat(filePath)).size;
  if (zipSize > maxZipBytes) {
    const cf = emptyCheckedFiles();
    cf.sizeError = `module zip file is too large (${zipSize} bytes; limit is ${maxZipBytes} bytes)`;
    return cf;
  }
  const reader = await ModuleZipReader.open(filePath, {
    label: `zip for ${modulePath}@${version}`,
    maxEntries: options.maxEntries ?? DEFAULT_MAX_ZIP_ENTRIES,
  });
  try {
    const checker = new ZipEntryChecker(modulePath, version);
    for await (const entry of reader.entries()) checker.add(entry.rawName, entry.uncompressedSize);
    return checker.report;
  } finally {
    await reader.close();
  }
}
