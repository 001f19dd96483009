/**
 * Test helper: spools a module zip stream to a temporary file and reports its entry names
 * (in stored order, module prefix stripped) and its `h1:` (src/zip hashZipFile: every entry).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { hashZipFile } from '../../../src/zip/files/index.js';

export interface ReadZip {
  /** Entry names without the `path@version/` prefix, in stored order. */
  names: string[];
  /** Full entry names as stored. */
  rawNames: string[];
  /** Contents by name (prefix stripped). */
  files: Map<string, Buffer>;
  h1: string;
}

export async function readModuleZip(stream: Readable, prefix: string): Promise<ReadZip> {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-zip-test-'));
  try {
    const file = join(dir, 'm.zip');
    await pipeline(stream, createWriteStream(file));
    const entries = await readEntries(file);
    const rawNames = entries.map(([n]) => n);
    const files = new Map<string, Buffer>();
    const names = entries.map(([n, data]) => {
      if (!n.startsWith(prefix)) throw new Error(`zip entry ${n} lacks prefix ${prefix}`);
      files.set(n.slice(prefix.length), data);
      return n.slice(prefix.length);
    });
    return { names, rawNames, files, h1: await hashZipFile(file) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function readEntries(file: string): Promise<[string, Buffer][]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out: [string, Buffer][] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, stream) => {
          if (err2) return reject(err2);
          const chunks: Buffer[] = [];
          stream.on('data', (d: Buffer) => chunks.push(d));
          stream.on('error', reject);
          stream.on('end', () => {
            out.push([e.fileName, Buffer.concat(chunks)]);
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
