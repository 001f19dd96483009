import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { checkStorageKey } from '../storage/index.js';
import { MAX_ZIP_FILE } from '../zip/index.js';
import { BundleError } from './bundle-error.js';
import { MANIFEST_NAME, parseManifest, type BundleManifest } from './bundle-manifest.js';

/** A bundle spooled to a directory: its manifest and where each entry's bytes are. */
export interface SpooledBundle {
  readonly manifest: BundleManifest;
  /** Entry name → local file (every entry of the manifest, sizes and hashes checked). */
  readonly files: ReadonlyMap<string, string>;
}

/** At most this many entries (a bundle of every module on proxy.golang.org would need more). */
const MAX_ENTRIES = 1_000_000;

/**
 * The largest entry other than a zip (whose limits the zip rules enforce): `.mod` files are
 * at most 16 MiB for the go command, and records, heads, tiles and `.info` files far smaller.
 */
const MAX_SMALL_ENTRY = 16 << 20;

/**
 * Reads a bundle (a tar stream) into `dir`, checking as it goes: the first entry is the
 * manifest; every other entry is a regular file named by a clean storage key, listed in the
 * manifest, not seen before, of the listed size and SHA-256; every listed entry is present.
 * Nothing is trusted beyond that: the content checks come after (verifyModuleSet).
 * Throws BundleError (`tar`, `manifest`, `sha256`) naming the entry.
 */
export async function spoolBundle(input: Readable, dir: string): Promise<SpooledBundle> {
  const ex = extract();
  let manifest: BundleManifest | undefined;
  let listed: Map<string, { size: number; sha256: string }> | undefined;
  const files = new Map<string, string>();
  let count = 0;
  const consume = (async () => {
    for await (const entry of ex) {
      const name = entry.header.name;
      if (entry.header.type !== 'file') {
        entry.resume();
        throw new BundleError(
          name,
          'tar',
          `a ${entry.header.type} entry: only files belong in a bundle`,
          {
            kind: 'invalid',
          },
        );
      }
      if (manifest === undefined) {
        if (name !== MANIFEST_NAME) {
          entry.resume();
          throw new BundleError(name, 'manifest', `the first entry must be ${MANIFEST_NAME}`, {
            kind: 'invalid',
          });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of entry) {
          size += (chunk as Buffer).length;
          if (size > 256 << 20) {
            throw new BundleError(name, 'manifest', 'over 256 MiB', { kind: 'invalid' });
          }
          chunks.push(chunk as Buffer);
        }
        manifest = parseManifest(Buffer.concat(chunks));
        listed = new Map(manifest.entries.map((e) => [e.name, e]));
        continue;
      }
      if (++count > MAX_ENTRIES) {
        entry.resume();
        throw new BundleError(name, 'tar', `more than ${MAX_ENTRIES} entries`, { kind: 'invalid' });
      }
      const want = listed!.get(name);
      const limit = name.endsWith('.zip') ? MAX_ZIP_FILE : MAX_SMALL_ENTRY;
      if (want !== undefined && want.size > limit) {
        entry.resume();
        throw new BundleError(
          name,
          'tar',
          `${want.size} bytes: over the ${limit >> 20} MiB limit`,
          {
            kind: 'invalid',
          },
        );
      }
      try {
        checkStorageKey(name);
      } catch (err) {
        entry.resume();
        throw new BundleError(name, 'tar', (err as Error).message, { kind: 'invalid' });
      }
      if (want === undefined || files.has(name)) {
        entry.resume();
        throw new BundleError(
          name,
          'manifest',
          files.has(name) ? 'the entry appears twice' : 'the entry is not listed in the manifest',
        );
      }
      const file = join(dir, String(count));
      const hash = createHash('sha256');
      let size = 0;
      await pipeline(
        entry,
        async function* (source: AsyncIterable<unknown>) {
          for await (const c of source) {
            const chunk = c as Buffer;
            size += chunk.length;
            if (size > want.size) {
              throw new BundleError(name, 'sha256', `longer than the ${want.size} bytes listed`);
            }
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(file),
      );
      const sha256 = hash.digest('hex');
      if (size !== want.size || sha256 !== want.sha256) {
        throw new BundleError(
          name,
          'sha256',
          `content is ${size} bytes with SHA-256 ${sha256}; the manifest lists ${want.size} bytes, ${want.sha256} (damaged or altered)`,
        );
      }
      files.set(name, file);
    }
  })();
  try {
    await Promise.all([pipeline(input, ex), consume]);
  } catch (err) {
    ex.destroy();
    input.destroy();
    if (err instanceof BundleError) throw err;
    throw new BundleError('bundle', 'tar', `not a readable tar stream: ${(err as Error).message}`, {
      kind: 'invalid',
      cause: err,
    });
  }
  if (manifest === undefined) {
    throw new BundleError('bundle', 'manifest', 'empty: no manifest', { kind: 'invalid' });
  }
  for (const e of manifest.entries) {
    if (!files.has(e.name)) {
      throw new BundleError(e.name, 'manifest', 'listed in the manifest but not in the bundle');
    }
  }
  return { manifest, files };
}
