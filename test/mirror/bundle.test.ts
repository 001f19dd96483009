import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BundleError,
  exportBundle,
  itemsStoredSince,
  StorageExportSource,
} from '../../src/mirror/index.js';
import { createSumdbClient } from '../../src/sumdb/client/index.js';
import { HttpClient } from '../../src/upstream/http-client.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { generateKey, newSigner, sign } from '../../src/sumdb/note/index.js';
import { formatTree, parseTree } from '../../src/sumdb/tlog/index.js';
import type { FixtureModule } from '../support/fixture-proxy.js';
import { BundleEnv, flipByte, readTar, tamper, writeTar } from './bundle-env.js';

const http = new HttpClient({ connectTimeoutMs: 1000, maxConnections: 2, userAgent: 'test' });

// mirror export / import: a bundle carries module files with the checksum-database evidence
// that verifies them; an import checks every piece before it stores anything.

const modules: FixtureModule[] = [
  { path: 'example.com/hello', version: 'v1.0.0', files: { 'hello.go': 'package hello\n' } },
  { path: 'example.com/Upper', version: 'v1.2.0', files: { 'u.go': 'package upper\n' } },
  { path: 'example.com/modonly', version: 'v0.1.0', files: { 'm.go': 'package m\n' } },
];
const items = [
  { path: 'example.com/hello', version: 'v1.0.0', zip: true },
  { path: 'example.com/Upper', version: 'v1.2.0', zip: true },
  { path: 'example.com/modonly', version: 'v0.1.0', zip: false },
];
const ZIP = 'example.com/hello/@v/v1.0.0.zip';
const LOOKUP = (db: string) => `sumdb/${db}/lookup/example.com/hello@v1.0.0`;

/** Where the first entry's data starts in a zip (after its local header). */
function zipDataStart(zip: Buffer): number {
  return 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
}

async function keys(storage: MemoryStorage): Promise<string[]> {
  return storage.list('');
}

/** Asserts that `run` is refused with a BundleError naming `entry` and `check`. */
async function refused(
  run: Promise<unknown>,
  entry: RegExp,
  check: string,
  message?: RegExp,
): Promise<void> {
  await assert.rejects(run, (err: unknown) => {
    assert.ok(err instanceof BundleError, String(err));
    assert.match(err.entry, entry, err.message);
    assert.equal(err.check, check, err.message);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

describe('mirror bundles', () => {
  let env: BundleEnv;
  let bundle: string;

  before(async () => {
    env = await BundleEnv.create(modules);
    bundle = await env.export(items, 'set.bundle');
  });
  after(async () => {
    await env.close();
  });

  test('the manifest comes first and lists every other entry with its hash', async () => {
    const entries = await readTar(bundle);
    assert.equal(entries[0]!.name, 'manifest.json');
    const manifest = JSON.parse(entries[0]!.data.toString('utf8')) as {
      format: string;
      sumdb: { name: string; key: string; treeSize: number };
      entries: { name: string }[];
      modules: { path: string; files: string[] }[];
    };
    assert.equal(manifest.format, 'modgate-bundle/1');
    assert.equal(manifest.sumdb.name, env.db.name);
    assert.equal(manifest.sumdb.key, env.db.verifierKey);
    assert.equal(manifest.sumdb.treeSize, env.db.size);
    assert.deepEqual(
      manifest.entries.map((e) => e.name),
      entries.slice(1).map((e) => e.name),
    );
    const names = entries.map((e) => e.name);
    for (const k of [
      ZIP,
      'example.com/hello/@v/v1.0.0.info',
      'example.com/!upper/@v/v1.2.0.zip',
      'example.com/modonly/@v/v0.1.0.mod',
      `sumdb/${env.db.name}/latest`,
      LOOKUP(env.db.name),
    ]) {
      assert.ok(names.includes(k), `${k} in ${names.join(' ')}`);
    }
    assert.ok(!names.includes('example.com/modonly/@v/v0.1.0.zip'));
    assert.ok(names.some((n) => n.startsWith(`sumdb/${env.db.name}/tile/8/0/001.p/`)));
  });

  test('import stores everything, idempotently', async () => {
    const storage = new MemoryStorage();
    const first = await env.import(bundle, storage);
    assert.equal(first.nothingChanged, false);
    assert.equal(first.head.before, undefined);
    assert.equal(first.head.after, env.db.size);
    const stored = await keys(storage);
    assert.ok(stored.includes(ZIP));
    assert.ok(stored.includes(`sumdb/${env.db.name}/latest`));
    const lookup = (await storage.getBytes(LOOKUP(env.db.name)))!.toString('utf8');
    assert.match(
      lookup,
      /^\d+\nexample\.com\/hello v1\.0\.0 h1:[\s\S]*\n\ngo\.sum database tree\n/,
    );

    const again = await env.import(bundle, storage);
    assert.equal(again.nothingChanged, true);
    assert.deepEqual(again.stored, []);
    assert.deepEqual(await keys(storage), stored);
  });

  test('a flipped byte in a zip is refused by the manifest hash, nothing stored', async () => {
    const storage = new MemoryStorage();
    const bad = await tamper(bundle, `${env.dir}/flip.bundle`, ZIP, (d) => flipByte(d), false);
    await refused(env.import(bad, storage), /hello\/@v\/v1\.0\.0\.zip/, 'sha256');
    assert.deepEqual(await keys(storage), []);
  });

  test('a changed zip with a matching manifest is refused by its h1 or the zip rules', async () => {
    const storage = new MemoryStorage();
    const bad = await tamper(bundle, `${env.dir}/flip2.bundle`, ZIP, (d) =>
      flipByte(d, zipDataStart(d)),
    );
    await assert.rejects(env.import(bad, storage), (err: unknown) => {
      assert.ok(err instanceof BundleError);
      assert.match(err.entry, /hello\/@v\/v1\.0\.0 \(\.zip\)/);
      assert.ok(['zip', 'h1'].includes(err.check), err.message);
      return true;
    });
    assert.deepEqual(await keys(storage), []);
  });

  test('a changed .mod is refused by its h1', async () => {
    const storage = new MemoryStorage();
    const bad = await tamper(
      bundle,
      `${env.dir}/mod.bundle`,
      'example.com/modonly/@v/v0.1.0.mod',
      (d) => Buffer.concat([d, Buffer.from('require evil.example/x v1.0.0\n')]),
    );
    await refused(env.import(bad, storage), /modonly\/@v\/v0\.1\.0 \(\.mod\)/, 'h1');
    assert.deepEqual(await keys(storage), []);
  });

  test('a changed record (and a zip to match it) is refused: not in the signed tree', async () => {
    const storage = new MemoryStorage();
    const bad = await tamper(bundle, `${env.dir}/rec.bundle`, LOOKUP(env.db.name), (d) =>
      Buffer.from(
        d
          .toString('utf8')
          .replace(/(hello v1\.0\.0 h1:)(.)/, (_, a, c) => a + (c === 'A' ? 'B' : 'A')),
      ),
    );
    await refused(
      env.import(bad, storage),
      /record of example\.com\/hello@v1\.0\.0/,
      'record',
      /not the one in the signed tree/,
    );
    assert.deepEqual(await keys(storage), []);
  });

  test('a forged tree head (another key of the same name) is refused', async () => {
    const storage = new MemoryStorage();
    const forger = newSigner(generateKey(env.db.name).signer);
    const bad = await tamper(
      bundle,
      `${env.dir}/head.bundle`,
      `sumdb/${env.db.name}/latest`,
      (d) => {
        const tree = parseTree(d);
        return Buffer.from(
          sign({ text: formatTree({ n: tree.n + 1, hash: tree.hash }) }, [forger]),
        );
      },
    );
    await refused(env.import(bad, storage), /latest/, 'signature', /does not verify/);
    assert.deepEqual(await keys(storage), []);
  });

  test('a changed tile is refused', async () => {
    const storage = new MemoryStorage();
    const bad = await tamper(
      bundle,
      `${env.dir}/tile.bundle`,
      (n) => n.includes('/tile/8/0/001.p/'),
      (d) => flipByte(d, 5),
    );
    await refused(env.import(bad, storage), /tile/, 'tile', /do not match the signed tree head/);
    assert.deepEqual(await keys(storage), []);
  });

  test('an entry the manifest does not list is refused', async () => {
    const storage = new MemoryStorage();
    const entries = await readTar(bundle);
    entries.push({ name: 'example.com/evil/@v/v1.0.0.mod', data: Buffer.from('module evil\n') });
    await writeTar(`${env.dir}/extra.bundle`, entries);
    await refused(env.import(`${env.dir}/extra.bundle`, storage), /evil/, 'manifest');
    assert.deepEqual(await keys(storage), []);
  });

  test('a stored file that differs is never overwritten: refused, nothing stored', async () => {
    const storage = new MemoryStorage();
    await storage.putBytes('example.com/modonly/@v/v0.1.0.mod', Buffer.from('module other\n'));
    await refused(env.import(bundle, storage), /modonly\/@v\/v0\.1\.0\.mod/, 'immutability');
    assert.deepEqual(await keys(storage), ['example.com/modonly/@v/v0.1.0.mod']);
  });

  test('a database the configuration does not name is refused', async () => {
    const storage = new MemoryStorage();
    const { importBundle } = await import('../../src/mirror/index.js');
    const { createReadStream } = await import('node:fs');
    await refused(
      importBundle(createReadStream(bundle), { storage, databases: [] }),
      /manifest/,
      'signature',
      /not configured/,
    );
  });

  test('a private module is refused at export, or left out with skipPrivate', async () => {
    const isPrivate = (p: string) => p === 'example.com/modonly';
    await refused(env.export(items, 'private.bundle', { isPrivate }), /modonly/, 'no-record');
    const file = await env.export(items, 'skipped.bundle', { isPrivate, skipPrivate: true });
    const names = (await readTar(file)).map((e) => e.name);
    assert.ok(!names.some((n) => n.includes('modonly')));
  });

  test('an oversized entry or a module listed twice is refused before any content check', async () => {
    const storage = new MemoryStorage();
    const entries = await readTar(bundle);
    const manifest = JSON.parse(entries[0]!.data.toString('utf8')) as {
      modules: unknown[];
      entries: { name: string; size: number }[];
    };
    const twice = { ...manifest, modules: [...manifest.modules, manifest.modules[0]] };
    await writeTar(`${env.dir}/twice.bundle`, [
      { name: 'manifest.json', data: Buffer.from(JSON.stringify(twice)) },
      ...entries.slice(1),
    ]);
    await refused(env.import(`${env.dir}/twice.bundle`, storage), /manifest/, 'manifest', /twice/);
    const mod = manifest.entries.find((e) => e.name.endsWith('.mod'))!;
    mod.size = 64 << 20;
    await writeTar(`${env.dir}/big.bundle`, [
      { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
      ...entries.slice(1),
    ]);
    await refused(env.import(`${env.dir}/big.bundle`, storage), /\.mod$/, 'tar', /16 MiB/);
    assert.deepEqual(await keys(storage), []);
  });

  test('export from storage (an offline site relaying what it imported), --since', async () => {
    const site = new MemoryStorage();
    await env.import(bundle, site);
    const client = createSumdbClient(env.database, site, http, { offline: true });
    const since = await itemsStoredSince(site, new Date(Date.now() - 60_000));
    assert.deepEqual(
      since.map((i) => `${i.path}@${i.version} ${i.zip}`).sort(),
      items.map((i) => `${i.path}@${i.version} ${i.zip}`).sort(),
    );
    assert.deepEqual(await itemsStoredSince(site, new Date(Date.now() + 60_000)), []);
    const out = `${env.dir}/relay.bundle`;
    await exportBundle(since, {
      source: new StorageExportSource(site, client),
      database: env.database,
      out,
    });
    const next = new MemoryStorage();
    const report = await env.import(out, next);
    assert.equal(report.head.after, env.db.size);
    assert.deepEqual(await keys(next), await keys(site));
  });

  test('an .info naming another version is refused', async () => {
    const storage = new MemoryStorage();
    const bad = await tamper(
      bundle,
      `${env.dir}/info.bundle`,
      'example.com/hello/@v/v1.0.0.info',
      () => Buffer.from('{"Version":"v1.0.1","Time":"2024-01-01T00:00:00Z"}'),
    );
    await refused(env.import(bad, storage), /hello\/@v\/v1\.0\.0 \(\.info\)/, 'info', /v1\.0\.1/);
    assert.deepEqual(await keys(storage), []);
  });

  test('a tar whose first entry is not the manifest, or with a link, is refused', async () => {
    const storage = new MemoryStorage();
    const entries = await readTar(bundle);
    await writeTar(`${env.dir}/order.bundle`, [...entries.slice(1), entries[0]!]);
    await refused(env.import(`${env.dir}/order.bundle`, storage), /latest/, 'manifest', /first/);
    const { pack } = await import('tar-stream');
    const { createWriteStream } = await import('node:fs');
    const { pipeline } = await import('node:stream/promises');
    const p = pack();
    const written = pipeline(p, createWriteStream(`${env.dir}/link.bundle`));
    p.entry({ name: 'manifest.json', size: entries[0]!.data.length }, entries[0]!.data);
    p.entry({ name: 'example.com/hello/@v/v1.0.0.mod', type: 'symlink', linkname: '/etc/passwd' });
    p.finalize();
    await written;
    await refused(env.import(`${env.dir}/link.bundle`, storage), /hello/, 'tar', /symlink/);
    assert.deepEqual(await keys(storage), []);
  });
});
