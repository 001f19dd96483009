// The dashboard's catalog (issue 15): storage keys to modules and versions, writes and
// deletes between listings, a new listing keeping what was learnt, and the loader's listing,
// .info times and publish records read from a real (memory) storage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseVersionFileKey } from '../../src/dashboard/catalog-key.js';
import { Catalog, latestOf, newestFirst, updatedAt } from '../../src/dashboard/catalog.js';
import { CatalogLoader } from '../../src/dashboard/catalog-loader.js';
import { MemoryStorage } from '../../src/storage/memory/memory-storage.js';

test('version file keys: module path and version unescaped; other keys are not versions', () => {
  assert.deepEqual(parseVersionFileKey('github.com/!burnt!sushi/toml/@v/v1.2.0.zip'), {
    modulePath: 'github.com/BurntSushi/toml',
    version: 'v1.2.0',
    file: 'zip',
  });
  assert.deepEqual(
    parseVersionFileKey('example.com/a/@v/v1.0.0-pre.1.info')?.version,
    'v1.0.0-pre.1',
  );
  for (const key of [
    'example.com/a/@v/list',
    'example.com/a/@latest',
    'example.com/a/@v/v1.0.0.ziphash',
    'example.com/a/@v/notaversion.info',
    '-/published/example.com/a/@v/v1.0.0.json',
    '-/blocks/abc',
    'index/2024-01-01/03/writer',
    'sumdb/sum.golang.org/tile/8/0/000',
    'Example.com/a/@v/v1.0.0.mod', // upper case is never stored unescaped
  ]) {
    assert.equal(parseVersionFileKey(key), undefined, key);
  }
});

test('writes and deletes between listings; a listing keeps what was learnt of versions still there', () => {
  const c = new Catalog();
  c.noteKey('example.com/a/@v/v1.0.0.info');
  c.noteKey('example.com/a/@v/v1.0.0.zip', 123);
  c.noteKey('example.com/a/@v/v1.1.0.mod');
  c.noteKey('example.com/b/@v/v0.1.0.mod');
  assert.deepEqual(c.size, { modules: 2, versions: 3 });
  assert.deepEqual(
    c.all().map((m) => m.path),
    ['example.com/a', 'example.com/b'],
  );
  const a = c.get('example.com/a')!;
  assert.deepEqual(
    newestFirst(a).map((v) => v.version),
    ['v1.1.0', 'v1.0.0'],
  );
  assert.equal(c.version('example.com/a', 'v1.0.0')?.size, 123);
  c.version('example.com/a', 'v1.0.0', true).h1 = 'h1:x';
  c.version('example.com/a', 'v1.0.0', true).time = Date.parse('2024-01-01T00:00:00Z');
  c.noteDeleted('example.com/b/@v/v0.1.0.mod');
  assert.equal(c.get('example.com/b'), undefined);
  assert.deepEqual(c.size, { modules: 1, versions: 2 });
  c.replace(
    [
      { key: 'example.com/a/@v/v1.0.0.zip', size: 123 },
      { key: 'example.com/a/@v/v1.0.0.info' },
      { key: 'example.com/c/@v/v2.0.0+incompatible.mod' },
    ],
    1000,
  );
  assert.deepEqual(c.size, { modules: 2, versions: 2 });
  assert.equal(c.version('example.com/a', 'v1.0.0')?.h1, 'h1:x');
  assert.equal(c.version('example.com/a', 'v1.1.0'), undefined);
  assert.equal(updatedAt(c.get('example.com/a')!), Date.parse('2024-01-01T00:00:00Z'));
  assert.ok(Number.isNaN(updatedAt(c.get('example.com/c')!)));
  assert.equal(c.scannedAt, 1000);
});

test('latest: the highest release, else pre-release, else pseudo-version', () => {
  const c = new Catalog();
  for (const v of ['v1.0.0', 'v1.2.0-rc.1', 'v0.0.0-20240101000000-abcdefabcdef', 'v1.1.0']) {
    c.noteKey(`example.com/a/@v/${v}.mod`);
  }
  assert.equal(latestOf(c.get('example.com/a')!), 'v1.1.0');
  c.noteKey('example.com/p/@v/v0.0.0-20240101000000-abcdefabcdef.mod');
  c.noteKey('example.com/p/@v/v0.0.0-20240202000000-abcdefabcdef.mod');
  assert.equal(latestOf(c.get('example.com/p')!), 'v0.0.0-20240202000000-abcdefabcdef');
});

test('the loader lists storage, reads .info times and publish records, and sees writes through watch', async () => {
  const storage = new MemoryStorage();
  const put = (key: string, body: string) => storage.putBytes(key, Buffer.from(body));
  await put('example.com/a/@v/v1.0.0.info', '{"Version":"v1.0.0","Time":"2024-03-04T05:06:07Z"}');
  await put('example.com/a/@v/v1.0.0.mod', 'module example.com/a\n');
  await put('example.com/a/@v/v1.0.0.zip', 'zipbytes');
  await put('example.com/a/@v/list', 'v1.0.0\n');
  await put(
    'corp.example.com/h/@v/v1.0.0.info',
    '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}',
  );
  await put(
    '-/published/corp.example.com/h/@v/v1.0.0.json',
    JSON.stringify({ Publisher: 'alice', Sum: 'h1:zip', GoModSum: 'h1:mod' }),
  );
  const loader = new CatalogLoader(storage, { rescanIntervalMs: 0 });
  await loader.rescan();
  const c = loader.catalog;
  assert.deepEqual(c.size, { modules: 2, versions: 2 });
  const a = c.version('example.com/a', 'v1.0.0')!;
  assert.equal(a.time, Date.parse('2024-03-04T05:06:07Z'));
  assert.equal(a.size, 8); // stat'ed: this backend's listing has no sizes
  const h = c.version('corp.example.com/h', 'v1.0.0')!;
  assert.equal(h.publisher, 'alice');
  assert.equal(h.h1, 'h1:zip');
  assert.equal(h.goModH1, 'h1:mod');

  // A gate learns hashes before the store; the write through watch() applies them.
  const watched = loader.watch(storage);
  await loader.gate.check(
    { modulePath: 'example.com/b', version: 'v0.2.0', file: 'zip', hash: 'h1:b', isPrivate: false },
    { signal: new AbortController().signal },
  );
  await watched.putBytes(
    'example.com/b/@v/v0.2.0.info',
    Buffer.from('{"Version":"v0.2.0","Time":"2024-05-06T07:08:09Z"}'),
  );
  await watched.putBytes('example.com/b/@v/v0.2.0.zip', Buffer.from('12345'));
  const b = c.version('example.com/b', 'v0.2.0')!;
  assert.equal(b.h1, 'h1:b');
  assert.equal(b.size, 5);
  assert.equal(b.time, Date.parse('2024-05-06T07:08:09Z'));
  await watched.delete('example.com/b/@v/v0.2.0.zip');
  await watched.delete('example.com/b/@v/v0.2.0.info');
  assert.equal(c.get('example.com/b'), undefined);
  loader.close();
});

test('10,000 versions fit in a few MB and a search scans them in well under a page budget', () => {
  const c = new Catalog();
  const before = process.memoryUsage().heapUsed;
  for (let m = 0; m < 1000; m++) {
    for (let v = 0; v < 10; v++) {
      c.noteKey(`github.com/org${m % 37}/module-${m}/@v/v1.${v}.0.zip`, 1000 + v);
      c.noteKey(`github.com/org${m % 37}/module-${m}/@v/v1.${v}.0.info`);
      c.noteKey(`github.com/org${m % 37}/module-${m}/@v/v1.${v}.0.mod`);
    }
  }
  assert.deepEqual(c.size, { modules: 1000, versions: 10_000 });
  const grown = process.memoryUsage().heapUsed - before;
  // Not a timing: a bound on what is kept (a GC may run meanwhile, so this is loose).
  assert.ok(grown < 16 * 1024 * 1024, `${grown} bytes for 10,000 versions`);
  assert.equal(c.all().filter((m) => m.lower.includes('module-99')).length, 11);
});
