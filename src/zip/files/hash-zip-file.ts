/**
 * x/mod/sumdb/dirhash HashZip: the `h1:` of a zip file on disk over EVERY entry — names
 * exactly as stored (prefix, case and any directory entries included), content as Go's
 * archive/zip reads it. No module rules are applied here (checkZipFile does both at once).
 * As in Go, when a name occurs twice the last entry's content is used for both lines.
 */
import { createHash } from 'node:crypto';
import { hash1FromDigests } from '../dirhash.js';
import { DEFAULT_MAX_ZIP_ENTRIES } from '../limits.js';
import { ModuleZipReader } from './module-zip-reader.js';

/** Throws ModgateError `checksum` if the file is not a readable zip; Error for a `\n` name. */
export async function hashZipFile(filePath: string): Promise<string> {
  const reader = await ModuleZipReader.open(filePath, {
    label: `zip ${filePath}`,
    maxEntries: DEFAULT_MAX_ZIP_ENTRIES,
  });
  const names: Buffer[] = [];
  const digestByName = new Map<string, string>();
  try {
    for await (const entry of reader.entries()) {
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
      digestByName.set(entry.rawName.toString('latin1'), h.digest('hex'));
    }
  } finally {
    await reader.close();
  }
  return hash1FromDigests(
    names,
    names.map((n) => digestByName.get(n.toString('latin1'))!),
  );
}
