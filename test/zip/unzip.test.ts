import assert from 'node:assert/strict';
import {
  createWriteStream,
  mkdtempSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, describe, test } from 'node:test';
import yazl from 'yazl';
import { ModgateError } from '../../src/errors/index.js';
import { checkedFilesError, MAX_GO_MOD, MAX_LICENSE, MAX_ZIP_FILE } from '../../src/zip/index.js';
import { checkZipFile, checkZipReport, hashDir, unzipToDir } from '../../src/zip/files/index.js';
import { buildRawZip, writeRawZip } from '../support/write-raw-zip.js';
import { errorMatches, readZipTest, vectorFiles } from './zip-vectors.js';

const work = mkdtempSync(join(tmpdir(), 'modgate-unzip-'));
after(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const tempPath = (ext: string): string => join(work, `t${n++}${ext}`);
/** Large-data cases (writing 500 MiB to disk) only when asked, like Go's -short. */
const LARGE = process.env.MODGATE_TEST_LARGE === '1';

describe('x/mod unzip vectors (Unzip + HashDir)', () => {
  for (const file of vectorFiles('unzip')) {
    const t = readZipTest(file);
    test(t.name, async () => {
      const zip = tempPath('.zip');
      writeRawZip(
        zip,
        t.archive.files.map((f) => ({ name: f.name, data: f.data })),
      );
      const dir = tempPath('.d');
      try {
        await unzipToDir(zip, dir, t.path, t.version);
      } catch (err) {
        assert.ok(err instanceof ModgateError, String(err));
        assert.ok(t.wantErr !== '', `unexpected error: ${err.message}`);
        assert.ok(errorMatches(err.message, t.wantErr), `got ${err.message}; want ${t.wantErr}`);
        return;
      }
      assert.equal(t.wantErr, '', 'unexpected success');
      assert.equal(await hashDir(dir, `${t.path}@${t.version}/`), t.hash);
    });
  }
});

describe('unzipToDir', () => {
  test('files are read-only and the target must be empty', async () => {
    const zip = tempPath('.zip');
    writeRawZip(zip, [{ name: 'example.com/m@v1.0.0/a/b.go', data: 'package a\n' }]);
    const dir = tempPath('.d');
    await unzipToDir(zip, dir, 'example.com/m', 'v1.0.0');
    assert.equal(statSync(join(dir, 'a', 'b.go')).mode & 0o777, 0o444);
    await assert.rejects(
      unzipToDir(zip, dir, 'example.com/m', 'v1.0.0'),
      /exists and is not empty/,
    );
  });

  test('a lying size fails while extracting', async () => {
    const zip = tempPath('.zip');
    writeRawZip(zip, [
      { name: 'example.com/m@v1.0.0/a.go', data: Buffer.alloc(5000), declaredSize: 100 },
    ]);
    await assert.rejects(
      unzipToDir(zip, tempPath('.d'), 'example.com/m', 'v1.0.0'),
      /not a valid zip file/,
    );
  });
});

const sizeLimitVersion = { path: 'example.com/large', version: 'v1.0.0' };

/** A real zip holding `size` zero bytes per file (deflated, streamed). */
async function zerosZip(files: { name: string; size: number }[]): Promise<string> {
  const p = tempPath('.zip');
  const z = new yazl.ZipFile();
  for (const f of files) {
    const stream = Readable.from(
      (function* () {
        const chunk = Buffer.alloc(1 << 20);
        for (let left = f.size; left > 0; left -= chunk.length) {
          yield left >= chunk.length ? chunk : chunk.subarray(0, left);
        }
      })(),
    );
    z.addReadStream(stream, `${sizeLimitVersion.path}@${sizeLimitVersion.version}/${f.name}`);
  }
  z.end();
  await pipeline(z.outputStream, createWriteStream(p));
  return p;
}

describe('TestUnzipSizeLimits', () => {
  const cases: { desc: string; files: { name: string; size: number }[]; wantErr: string }[] = [
    { desc: 'one_large', files: [{ name: 'large.go', size: MAX_ZIP_FILE }], wantErr: '' },
    {
      desc: 'one_too_large',
      files: [{ name: 'large.go', size: MAX_ZIP_FILE + 1 }],
      wantErr: 'total uncompressed size of module contents too large',
    },
    {
      desc: 'total_large',
      files: [
        { name: 'small.go', size: 10 },
        { name: 'large.go', size: MAX_ZIP_FILE - 10 },
      ],
      wantErr: '',
    },
    {
      desc: 'total_too_large',
      files: [
        { name: 'small.go', size: 10 },
        { name: 'large.go', size: MAX_ZIP_FILE - 9 },
      ],
      wantErr: 'total uncompressed size of module contents too large',
    },
    { desc: 'large_gomod', files: [{ name: 'go.mod', size: MAX_GO_MOD }], wantErr: '' },
    {
      desc: 'too_large_gomod',
      files: [{ name: 'go.mod', size: MAX_GO_MOD + 1 }],
      wantErr: 'go.mod file too large',
    },
    { desc: 'large_license', files: [{ name: 'LICENSE', size: MAX_LICENSE }], wantErr: '' },
    {
      desc: 'too_large_license',
      files: [{ name: 'LICENSE', size: MAX_LICENSE + 1 }],
      wantErr: 'LICENSE file too large',
    },
  ];
  for (const c of cases) {
    const big = c.files.some((f) => f.size > MAX_GO_MOD + 1);
    test(c.desc, async () => {
      // Invalid ones need only the declared sizes; valid big ones need real data.
      const zip =
        c.wantErr !== '' || !big
          ? c.wantErr !== ''
            ? (() => {
                const p = tempPath('.zip');
                writeRawZip(
                  p,
                  c.files.map((f) => ({
                    name: `${sizeLimitVersion.path}@${sizeLimitVersion.version}/${f.name}`,
                    data: 'x',
                    declaredSize: f.size,
                  })),
                );
                return p;
              })()
            : await zerosZip(c.files)
          : LARGE
            ? await zerosZip(c.files)
            : undefined;
      if (zip === undefined) return; // valid 500 MiB cases: see the LARGE switch
      const cf = await checkZipReport(zip, sizeLimitVersion.path, sizeLimitVersion.version);
      const err = checkedFilesError(cf) ?? '';
      if (c.wantErr === '') assert.equal(err, '');
      else assert.ok(err.includes(c.wantErr), err);

      const dir = tempPath('.d');
      try {
        await unzipToDir(zip, dir, sizeLimitVersion.path, sizeLimitVersion.version);
        assert.equal(c.wantErr, '', 'unexpected success');
      } catch (e) {
        assert.ok(
          e instanceof ModgateError && c.wantErr !== '' && e.message.includes(c.wantErr),
          String(e),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('checkZipFile accepts a zip of exactly 500 MiB of content', async () => {
    const zip = await zerosZip([{ name: 'large.go', size: MAX_ZIP_FILE }]);
    const started = process.hrtime.bigint();
    const r = await checkZipFile(zip, sizeLimitVersion.path, sizeLimitVersion.version);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(r.contentSize, MAX_ZIP_FILE);
    process.stderr.write(
      `# checkZipFile: 500 MiB of content (${statSync(zip).size} byte zip) in ${ms.toFixed(0)} ms\n`,
    );
  });
});

describe('TestUnzipSizeLimitsSpecial', () => {
  test('large_zip: a 500 MiB non-zip is read (and rejected as not a zip)', async () => {
    const p = tempPath('.zip');
    writeFileSync(p, '');
    truncateSync(p, MAX_ZIP_FILE);
    await assert.rejects(
      unzipToDir(p, tempPath('.d'), 'example.com/m', 'v1.0.0'),
      /not a valid zip file/,
    );
    rmSync(p);
  });

  test('too_large_zip', async () => {
    const p = tempPath('.zip');
    writeFileSync(p, '');
    truncateSync(p, MAX_ZIP_FILE + 1);
    await assert.rejects(
      unzipToDir(p, tempPath('.d'), 'example.com/m', 'v1.0.0'),
      /module zip file is too large/,
    );
    rmSync(p);
  });

  test('size_is_a_lie', async () => {
    // Go's test: 0xBAD zero bytes declared as 0xAC.
    const p = tempPath('.zip');
    writeFileSync(
      p,
      buildRawZip([
        { name: 'example.com/m@v1.0.0/go.mod', data: Buffer.alloc(0x0bad), declaredSize: 0xac },
      ]),
    );
    const dir = tempPath('.d');
    await assert.rejects(unzipToDir(p, dir, 'example.com/m', 'v1.0.0'), (err: unknown) => {
      assert.ok(err instanceof Error);
      return /not a valid zip file|is larger than declared size/.test(err.message);
    });
    assert.ok((await readdir(dir).catch(() => [])).length <= 1);
  });
});
