import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract, pack } from 'tar-stream';
import {
  exportBundle,
  importBundle,
  type ExportItem,
  type ExportOptions,
  type ExportSource,
  type ImportReport,
} from '../../src/mirror/index.js';
import { escapePath, escapeVersion } from '../../src/module/index.js';
import type { Storage } from '../../src/storage/index.js';
import { parseGosumdb, type SumdbDatabase } from '../../src/sumdb/gosumdb-config.js';
import { tilePath, type Tile } from '../../src/sumdb/tlog/index.js';
import { hashGoMod } from '../../src/zip/index.js';
import { hashZipFile } from '../../src/zip/files/index.js';
import { FixtureProxy, type FixtureModule } from '../support/fixture-proxy.js';
import { TestSumdb, type TestSumdbRecord } from '../support/test-sumdb.js';

/** Records with made-up hashes, to give the test database's log some size. */
export function fillerRecords(n: number, prefix = 'example.com/filler'): TestSumdbRecord[] {
  const h = (s: string) => `h1:${createHash('sha256').update(s).digest('base64')}`;
  return Array.from({ length: n }, (_, i) => ({
    path: `${prefix}${i}`,
    version: 'v1.0.0',
    zipHash: h(`zip ${prefix}${i}`),
    modHash: h(`mod ${prefix}${i}`),
  }));
}

/** A fixture upstream, a test checksum database holding its modules, and a temp dir. */
export class BundleEnv {
  private constructor(
    readonly fixture: FixtureProxy,
    readonly db: TestSumdb,
    readonly dir: string,
  ) {}

  static async create(modules: FixtureModule[], filler = 300): Promise<BundleEnv> {
    const fixture = await FixtureProxy.create(modules);
    const db = await TestSumdb.create({ records: fillerRecords(filler) });
    const env = new BundleEnv(fixture, db, await mkdtemp(join(tmpdir(), 'modgate-bundle-')));
    await env.record(modules);
    return env;
  }

  /** Logs the fixture's modules in the database. */
  async record(modules: FixtureModule[]): Promise<void> {
    await this.db.add(await Promise.all(modules.map((m) => this.recordOf(m))));
  }

  async recordOf(m: FixtureModule): Promise<TestSumdbRecord> {
    const dir = join(this.fixture.root, escapePath(m.path), '@v');
    return {
      path: m.path,
      version: m.version,
      zipHash: await hashZipFile(join(dir, `${escapeVersion(m.version)}.zip`)),
      modHash: hashGoMod(await readFile(join(dir, `${escapeVersion(m.version)}.mod`))),
    };
  }

  get database(): SumdbDatabase {
    return parseGosumdb(this.db.verifierKey)!;
  }

  /** Reads module files from the fixture and the database over HTTP. */
  source(): ExportSource {
    const get = async (url: string): Promise<Buffer | null> => {
      const res = await fetch(url);
      if (res.status === 404 || res.status === 410) return null;
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    };
    return {
      description: this.fixture.url,
      getFile: (key) => get(`${this.fixture.url}/${key}`),
      copyZip: async (key, dest) => {
        const data = await get(`${this.fixture.url}/${key}`);
        if (data === null) return false;
        await pipeline([data], createWriteStream(dest));
        return true;
      },
      sumdbLatest: async () => (await get(`${this.db.url}/latest`))!,
      sumdbLookup: (path, version) =>
        get(`${this.db.url}/lookup/${escapePath(path)}@${escapeVersion(version)}`),
      sumdbTile: async (tile: Tile) => (await get(`${this.db.url}/${tilePath(tile)}`)) ?? undefined,
    };
  }

  async export(
    items: ExportItem[],
    name: string,
    opts: Partial<ExportOptions> = {},
  ): Promise<string> {
    const out = join(this.dir, name);
    await exportBundle(items, { source: this.source(), database: this.database, out, ...opts });
    return out;
  }

  import(file: string, storage: Storage): Promise<ImportReport> {
    return importBundle(createReadStream(file), { storage, databases: [this.database] });
  }

  async close(): Promise<void> {
    await this.db.close();
    await this.fixture.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The entries of a tar file, in order. */
export async function readTar(file: string): Promise<{ name: string; data: Buffer }[]> {
  const out: { name: string; data: Buffer }[] = [];
  const ex = extract();
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      out.push({ name: entry.header.name, data: Buffer.concat(chunks) });
    }
  })();
  await Promise.all([pipeline(createReadStream(file), ex), done]);
  return out;
}

/** Writes entries as a tar file. */
export async function writeTar(file: string, entries: { name: string; data: Buffer }[]) {
  const p = pack();
  const written = pipeline(p, createWriteStream(file));
  for (const e of entries) p.entry({ name: e.name, size: e.data.length }, e.data);
  p.finalize();
  await written;
}

/**
 * A copy of bundle `file` with entry `name` changed by `fn`; with `fixManifest` the manifest
 * lists the new size and SHA-256 (what a forger would do), else it is left alone.
 */
export async function tamper(
  file: string,
  out: string,
  name: string | ((n: string) => boolean),
  fn: (data: Buffer) => Buffer,
  fixManifest = true,
): Promise<string> {
  const entries = await readTar(file);
  const match = typeof name === 'string' ? (n: string) => n === name : name;
  const hit = entries.find((e) => match(e.name));
  if (hit === undefined) throw new Error(`no entry matching ${String(name)}`);
  hit.data = fn(Buffer.from(hit.data));
  if (fixManifest) {
    const manifest = JSON.parse(entries[0]!.data.toString('utf8')) as {
      entries: { name: string; size: number; sha256: string }[];
    };
    const listed = manifest.entries.find((e) => e.name === hit.name)!;
    listed.size = hit.data.length;
    listed.sha256 = createHash('sha256').update(hit.data).digest('hex');
    entries[0]!.data = Buffer.from(JSON.stringify(manifest));
  }
  await writeTar(out, entries);
  return out;
}

/** Flips one bit in the middle of `data`. */
export function flipByte(data: Buffer, at = Math.floor(data.length / 2)): Buffer {
  data[at] = data[at]! ^ 0x01;
  return data;
}
