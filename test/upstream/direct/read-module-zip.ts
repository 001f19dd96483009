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
import { hashZipFile } from '../../../src/zip/index.js';

export interface ReadZip {
  /** Entry names without the `path@version/` prefix, in stored order. */
  names: string[];
  /** Full entry names as stored. */
  rawNames: string[];
  h1: string;
}

export async function readModuleZip(stream: Readable, prefix: string): Promise<ReadZip> {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-zip-test-'));
  try {
    const file = join(dir, 'm.zip');
    await pipeline(stream, createWriteStream(file));
    const rawNames = await entryNames(file);
    const names = rawNames.map((n) => {
      if (!n.startsWith(prefix)) throw new Error(`zip entry ${n} lacks prefix ${prefix}`);
      return n.slice(prefix.length);
    });
    return { names, rawNames, h1: await hashZipFile(file) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function entryNames(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
