import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import { BUNDLE_FORMAT, MANIFEST_NAME, type BundleManifest } from './bundle-manifest.js';

/** An entry to write: bytes in memory or a local file. */
export type BundleSource = { name: string; data: Buffer } | { name: string; file: string };

/**
 * Writes a bundle to `outFile` (atomically: a temp file renamed into place): the manifest
 * first, with the size and SHA-256 of every entry, then the entries in order. Entries are
 * hashed before writing (a second read of each file), so the manifest can lead the stream
 * and an import can check each entry as it arrives.
 */
export async function writeBundle(
  outFile: string,
  header: Omit<BundleManifest, 'format' | 'entries'>,
  sources: readonly BundleSource[],
): Promise<BundleManifest> {
  const entries = [];
  for (const s of sources) {
    const hash = createHash('sha256');
    let size: number;
    if ('data' in s) {
      hash.update(s.data);
      size = s.data.length;
    } else {
      for await (const chunk of createReadStream(s.file)) hash.update(chunk as Buffer);
      size = (await stat(s.file)).size;
    }
    entries.push({ name: s.name, size, sha256: hash.digest('hex') });
  }
  const manifest: BundleManifest = { format: BUNDLE_FORMAT, ...header, entries };
  const tmp = `${outFile}.tmp-${process.pid}`;
  const tar = pack();
  const mtime = new Date(header.created);
  const written = pipeline(tar, createWriteStream(tmp));
  try {
    const add = (name: string, data: Buffer) =>
      new Promise<void>((resolve, reject) =>
        tar.entry({ name, size: data.length, mtime, mode: 0o644 }, data, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    await add(MANIFEST_NAME, Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
    for (const [i, s] of sources.entries()) {
      if ('data' in s) {
        await add(s.name, s.data);
        continue;
      }
      const size = entries[i]!.size;
      await new Promise<void>((resolve, reject) => {
        const sink = tar.entry({ name: s.name, size, mtime, mode: 0o644 }, (err) =>
          err ? reject(err) : resolve(),
        );
        pipeline(createReadStream(s.file), sink).catch(reject);
      });
    }
    tar.finalize();
    await written;
    await rename(tmp, outFile);
  } catch (err) {
    tar.destroy();
    await written.catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  return manifest;
}
