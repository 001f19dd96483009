import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import { checkedFilesError, formatCheckedFiles, MAX_ZIP_FILE } from '../../src/zip/index.js';
import { checkZipFile, checkZipReport } from '../../src/zip/files/index.js';
import { buildRawZip, type RawZipEntry, writeRawZip } from '../support/write-raw-zip.js';
import { readZipTest, splitWant, vectorFiles } from './zip-vectors.js';

const work = mkdtempSync(join(tmpdir(), 'modgate-check-zip-'));
after(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
function zipFile(entries: readonly RawZipEntry[], options = {}): string {
  const p = join(work, `z${n++}.zip`);
  writeRawZip(p, entries, options);
  return p;
}

async function rejects(p: Promise<unknown>, kind: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ModgateError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, re);
    assert.ok(!err.message.includes('\n'), 'one-line message');
    return true;
  });
}

describe('x/mod check_zip vectors (CheckZip report)', () => {
  for (const file of vectorFiles('check_zip')) {
    const t = readZipTest(file);
    test(t.name, async () => {
      const { want, files } = splitWant(t.archive);
      const p = zipFile(files.map((f) => ({ name: f.name, data: f.data })));
      const cf = await checkZipReport(p, t.path, t.version);
      assert.equal(formatCheckedFiles(cf), want);
      const wantErr =
        cf.invalid.length > 0
          ? cf.invalid.map((e) => `${e.path}: ${e.reason}`).join('\n')
          : undefined;
      assert.equal(checkedFilesError(cf), wantErr);
    });
  }
});

const hello = 'example.com/hello@v0.0.0-20200101000000-abcdefabcdef/';
const helloEntries: RawZipEntry[] = [
  { name: hello + 'go.mod', data: 'module example.com/hello\n' },
  { name: hello + 'hello.go', data: 'package hello\n', method: 0 },
];

describe('checkZipFile', () => {
  test('valid zip: report and h1 (spec appendix A vector)', async () => {
    const r = await checkZipFile(
      zipFile(helloEntries),
      'example.com/hello',
      'v0.0.0-20200101000000-abcdefabcdef',
    );
    assert.equal(r.hash, 'h1:rR9ty4nEYI4ldnjx1sS+Jh9YJMrVUuDGO2UJd95CGRY=');
    assert.deepEqual(r.report.valid, [hello + 'go.mod', hello + 'hello.go']);
    assert.equal(r.contentSize, 25 + 14);
  });

  // Both hashes computed by Go's archive/zip + dirhash.HashZip (go1.19, x/mod v0.7.0).
  for (const [dir, want] of [
    [hello, 'h1:f1z93D59mczsMe7vANiVJNoCQmUDyqlLAl5y6TvY+X8='],
    [hello + 'sub/', 'h1:NMeu6P2rmeb8iZcJTm9/Ih4rFxmTsRmpIuKN0ih6AYc='],
  ] as const) {
    test(`a directory entry is allowed but changes the h1: ${dir.slice(hello.length - 1)}`, async () => {
      const r = await checkZipFile(
        zipFile([{ name: dir, method: 0 }, ...helloEntries]),
        'example.com/hello',
        'v0.0.0-20200101000000-abcdefabcdef',
      );
      assert.equal(r.hash, want);
      assert.deepEqual(r.report.valid, [hello + 'go.mod', hello + 'hello.go']);
    });
  }

  test('empty zip has the empty hash', async () => {
    const r = await checkZipFile(zipFile([]), 'example.com/m', 'v1.0.0');
    assert.equal(r.hash, 'h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  const m = 'example.com/m@v1.0.0/';
  const cases: { name: string; entries: RawZipEntry[]; kind: string; re: RegExp }[] = [
    {
      name: 'zip-slip',
      entries: [{ name: '../evil.go', data: 'x' }],
      kind: 'checksum',
      re: /^zip for example\.com\/m@v1\.0\.0 has unexpected file \.\.\/evil\.go$/,
    },
    {
      name: 'traversal after prefix',
      entries: [{ name: m + '../x.go', data: 'x' }],
      kind: 'checksum',
      re: /has invalid file example\.com\/m@v1\.0\.0\/\.\.\/x\.go: malformed file path "\.\.\/x\.go": invalid path element "\.\."$/,
    },
    {
      name: 'unclean after prefix',
      entries: [{ name: m + 'a/../x.go', data: 'x' }],
      kind: 'checksum',
      re: /file path is not clean/,
    },
    {
      name: 'absolute',
      entries: [{ name: '/etc/passwd', data: 'x' }],
      kind: 'checksum',
      re: /unexpected file \/etc\/passwd/,
    },
    {
      name: 'bare prefix',
      entries: [{ name: 'example.com/m@v1.0.0', data: '' }],
      kind: 'checksum',
      re: /unexpected file/,
    },
    {
      name: 'other version',
      entries: [{ name: 'example.com/m@v1.0.1/a.go', data: 'x' }],
      kind: 'checksum',
      re: /unexpected file/,
    },
    {
      name: 'bad file name',
      entries: [{ name: m + 'a\\b.go', data: 'x' }],
      kind: 'checksum',
      re: /malformed file path/,
    },
    {
      name: 'newline in name',
      entries: [{ name: m + 'a\nb.go', data: 'x' }],
      kind: 'checksum',
      re: /malformed file path/,
    },
    {
      name: 'invalid UTF-8 name',
      entries: [
        { name: Buffer.concat([Buffer.from(m), Buffer.from([0xff, 0x2e, 0x67, 0x6f])]), data: 'x' },
      ],
      kind: 'checksum',
      re: /invalid UTF-8/,
    },
    {
      name: 'nested go.mod',
      entries: [{ name: m + 'sub/go.mod', data: 'module x\n' }],
      kind: 'checksum',
      re: /go\.mod file not in module root directory/,
    },
    {
      name: 'GO.MOD',
      entries: [{ name: m + 'GO.MOD', data: 'module x\n' }],
      kind: 'checksum',
      re: /go\.mod files must have lowercase names/,
    },
    {
      name: 'case collision',
      entries: [
        { name: m + 'a.go', data: 'x' },
        { name: m + 'A.go', data: 'x' },
      ],
      kind: 'checksum',
      re: /case-insensitive file name collision/,
    },
    {
      name: 'Kelvin collision',
      entries: [
        { name: m + 'k.go', data: 'x' },
        { name: m + '\u212a.go', data: 'x' },
      ],
      kind: 'checksum',
      re: /case-insensitive/,
    },
    {
      name: 'duplicate',
      entries: [
        { name: m + 'a.go', data: 'x' },
        { name: m + 'a.go', data: 'y' },
      ],
      kind: 'checksum',
      re: /multiple entries for file "a\.go"/,
    },
    {
      name: 'file and dir',
      entries: [
        { name: m + 'a', data: 'x' },
        { name: m + 'a/b.go', data: 'y' },
      ],
      kind: 'checksum',
      re: /both a file and a directory/,
    },
    {
      name: 'wrong CRC',
      entries: [{ name: m + 'a.go', data: 'package a\n', crc: 1234 }],
      kind: 'checksum',
      re: /not a valid zip file: checksum error/,
    },
    {
      name: 'wrong CRC (stored)',
      entries: [{ name: m + 'a.go', data: 'package a\n', crc: 1234, method: 0 }],
      kind: 'checksum',
      re: /not a valid zip file/,
    },
    {
      name: 'declared size too small (bomb)',
      entries: [{ name: m + 'a.go', data: Buffer.alloc(100_000), declaredSize: 10 }],
      kind: 'checksum',
      re: /not a valid zip file/,
    },
    {
      name: 'declared size too large',
      entries: [{ name: m + 'a.go', data: 'abc', declaredSize: 10 }],
      kind: 'checksum',
      re: /not a valid zip file/,
    },
    {
      name: 'declared size too small, large entry (streamed bomb)',
      entries: [{ name: m + 'a.go', data: Buffer.alloc(3 << 20), declaredSize: 1 << 20 }],
      kind: 'checksum',
      re: /a\.go" is larger than its declared size/,
    },
    {
      name: 'declared size too large, large entry',
      entries: [{ name: m + 'a.go', data: Buffer.alloc(1 << 20), declaredSize: 3 << 20 }],
      kind: 'checksum',
      re: /a\.go" is smaller than its declared size/,
    },
    {
      name: 'truncated deflate data',
      entries: [{ name: m + 'a.go', data: 'package a\n', method: 8, truncate: 3 }],
      kind: 'checksum',
      re: /not a valid zip file/,
    },
    {
      name: 'directory entry with data',
      entries: [{ name: m + 'd/', data: 'abc' }],
      kind: 'checksum',
      re: /not a valid zip file: directory entry/,
    },
    {
      name: 'encrypted',
      entries: [{ name: m + 'a.go', data: 'abc', flags: 1 }],
      kind: 'checksum',
      re: /encrypted/,
    },
    {
      name: 'declared total too large',
      entries: [{ name: m + 'a.go', data: 'x', declaredSize: MAX_ZIP_FILE + 1 }],
      kind: 'too-large',
      re: /total uncompressed size of module contents too large/,
    },
    {
      name: 'go.mod too large',
      entries: [{ name: m + 'go.mod', data: 'x', declaredSize: 16 * 1024 * 1024 + 1 }],
      kind: 'too-large',
      re: /go\.mod file too large/,
    },
    {
      name: 'LICENSE too large',
      entries: [{ name: m + 'LICENSE', data: 'x', declaredSize: 16 * 1024 * 1024 + 1 }],
      kind: 'too-large',
      re: /LICENSE file too large/,
    },
  ];
  for (const c of cases) {
    test(`rejects: ${c.name}`, async () => {
      await rejects(checkZipFile(zipFile(c.entries), 'example.com/m', 'v1.0.0'), c.kind, c.re);
    });
  }

  test('rejects: not a zip at all', async () => {
    const p = join(work, 'not.zip');
    writeFileSync(p, 'this is not a zip file, just text\n'.repeat(10));
    await rejects(
      checkZipFile(p, 'example.com/m', 'v1.0.0'),
      'checksum',
      /is not a valid zip file/,
    );
  });

  test('rejects: empty file', async () => {
    const p = join(work, 'empty.zip');
    writeFileSync(p, '');
    await rejects(
      checkZipFile(p, 'example.com/m', 'v1.0.0'),
      'checksum',
      /is not a valid zip file/,
    );
  });

  test('rejects: truncated zip (central directory cut)', async () => {
    const full = buildRawZip([{ name: 'example.com/m@v1.0.0/a.go', data: 'package a\n' }]);
    const p = join(work, 'trunc.zip');
    writeFileSync(p, full.subarray(0, full.length - 30));
    await rejects(checkZipFile(p, 'example.com/m', 'v1.0.0'), 'checksum', /not a valid zip file/);
  });

  test('rejects: central directory claims more entries than it has', async () => {
    const p = zipFile([{ name: 'example.com/m@v1.0.0/a.go', data: 'x' }], { entryCount: 3 });
    await rejects(checkZipFile(p, 'example.com/m', 'v1.0.0'), 'checksum', /not a valid zip file/);
  });

  test('rejects: huge entry count in a tiny file', async () => {
    const p = zipFile([{ name: 'example.com/m@v1.0.0/a.go', data: 'x' }], { entryCount: 0xffff });
    await rejects(checkZipFile(p, 'example.com/m', 'v1.0.0'), 'checksum', /claims 65535 entries/);
  });

  test('rejects: more entries than maxEntries', async () => {
    const entries = [0, 1, 2].map((i) => ({ name: `example.com/m@v1.0.0/${i}.go`, data: 'x' }));
    await rejects(
      checkZipFile(zipFile(entries), 'example.com/m', 'v1.0.0', { maxEntries: 2 }),
      'too-large',
      /too many entries \(3; limit is 2\)/,
    );
  });

  test('rejects: zip file over maxZipBytes', async () => {
    await rejects(
      checkZipFile(
        zipFile(helloEntries),
        'example.com/hello',
        'v0.0.0-20200101000000-abcdefabcdef',
        { maxZipBytes: 100 },
      ),
      'too-large',
      /is too large \(\d+ bytes; limit is 100 bytes\)/,
    );
  });

  test('rejects: zip file over 500 MiB without reading it', async () => {
    const p = join(work, 'huge.zip');
    writeFileSync(p, '');
    truncateSync(p, MAX_ZIP_FILE + 1);
    await rejects(checkZipFile(p, 'example.com/m', 'v1.0.0'), 'too-large', /too large/);
    const cf = await checkZipReport(p, 'example.com/m', 'v1.0.0');
    assert.match(
      cf.sizeError ?? '',
      /^module zip file is too large \(524288001 bytes; limit is 524288000 bytes\)$/,
    );
    rmSync(p);
  });

  test('an aborted signal stops the check', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      checkZipFile(
        zipFile(helloEntries),
        'example.com/hello',
        'v0.0.0-20200101000000-abcdefabcdef',
        {
          signal: ac.signal,
        },
      ),
      { name: 'AbortError' },
    );
  });

  test('bad module path or version: invalid, before reading', async () => {
    const p = join(work, 'missing.zip');
    await rejects(
      checkZipFile(p, 'cache', 'v1.0.0'),
      'invalid',
      /missing dot in first path element/,
    );
    await rejects(
      checkZipFile(p, 'example.com/m', 'v1.0.0+bad'),
      'invalid',
      /version "v1\.0\.0\+bad" is not canonical \(should be "v1\.0\.0"\)/,
    );
    await rejects(
      checkZipFile(p, 'example.com/m', 'v2.0.0'),
      'invalid',
      /invalid version: should be v0 or v1, not v2/,
    );
  });
});
