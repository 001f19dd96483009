import assert from 'node:assert/strict';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import {
  createZip,
  EMPTY_HASH1,
  MAX_GO_MOD,
  MAX_LICENSE,
  MAX_ZIP_FILE,
  type ZipSourceFile,
} from '../../src/zip/index.js';
import { checkZipReport, createZipFromDir, hashZipFile } from '../../src/zip/files/index.js';
import type { TxtarFile } from '../support/txtar.js';
import { errorMatches, readZipTest, vectorFiles } from './zip-vectors.js';

const work = mkdtempSync(join(tmpdir(), 'modgate-create-zip-'));
after(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const tempPath = (ext: string): string => join(work, `t${n++}${ext}`);

async function createToFile(run: (out: Writable) => Promise<void>): Promise<string> {
  const p = tempPath('.zip');
  const out = createWriteStream(p);
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
  await run(out);
  await closed;
  return p;
}

function memFile(f: TxtarFile): ZipSourceFile {
  return { path: f.name, mode: 'file', size: f.data.length, open: () => f.data };
}

/** Runs a vector: `wantErr` must match the error, else `hash` must equal the zip's h1. */
async function runVector(
  want: { wantErr: string; hash: string },
  run: (out: Writable) => Promise<void>,
): Promise<void> {
  let p: string;
  try {
    p = await createToFile(run);
  } catch (err) {
    assert.ok(err instanceof ModgateError, String(err));
    assert.ok(want.wantErr !== '', `unexpected error: ${err.message}`);
    assert.ok(errorMatches(err.message, want.wantErr), `got ${err.message}; want ${want.wantErr}`);
    return;
  }
  assert.equal(want.wantErr, '', `unexpected success; wanted error containing ${want.wantErr}`);
  assert.equal(await hashZipFile(p), want.hash);
}

describe('x/mod create vectors (Create)', () => {
  for (const file of vectorFiles('create')) {
    const t = readZipTest(file);
    // Upstream's exclude_vendor_go124 hash predates the shipped /vendor/ fix (see the
    // fixture README): with it, sub/vendor/sub.txt stays in the zip.
    const hash =
      t.name === 'exclude_vendor_go124'
        ? 'h1:Rk38IOFfWaT3SrSJ5NPGUdUD8wHVK/XYHrwUkaano0s='
        : t.hash;
    test(t.name, async () => {
      await runVector({ wantErr: t.wantErr, hash }, (out) =>
        createZip(t.path, t.version, t.archive.files.map(memFile), out),
      );
    });
  }
});

function extract(files: readonly TxtarFile[]): string {
  const dir = tempPath('.d');
  mkdirSync(dir);
  for (const f of files) {
    const p = join(dir, ...f.name.split('/'));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.data);
  }
  return dir;
}

describe('x/mod create_from_dir vectors (CreateFromDir)', () => {
  for (const file of vectorFiles('create_from_dir')) {
    const t = readZipTest(file);
    test(t.name, async () => {
      const dir = extract(t.archive.files);
      await runVector(t, (out) => createZipFromDir(dir, t.path, t.version, out));
    });
  }
});

describe('TestCreateFromDirSpecial', () => {
  const cases: { desc: string; setup: (tmp: string) => string; wantHash: string }[] = [
    {
      desc: 'ignore_empty_dir',
      setup: (tmp) => {
        mkdirSync(join(tmp, 'empty'));
        return tmp;
      },
      wantHash: EMPTY_HASH1,
    },
    {
      desc: 'ignore_symlink',
      setup: (tmp) => {
        symlinkSync(tmp, join(tmp, 'link'));
        return tmp;
      },
      wantHash: EMPTY_HASH1,
    },
    {
      desc: 'dir_is_vendor',
      setup: (tmp) => {
        const vendor = join(tmp, 'vendor');
        mkdirSync(vendor);
        writeFileSync(join(vendor, 'go.mod'), 'module example.com/m\n\ngo 1.13\n');
        return vendor;
      },
      wantHash: 'h1:XduFAgX/GaspZa8Jv4pfzoGEzNaU/r88PiCunijw5ok=',
    },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const tmp = tempPath('.d');
      mkdirSync(tmp);
      const dir = c.setup(tmp);
      const p = await createToFile((out) => createZipFromDir(dir, 'example.com/m', 'v1.0.0', out));
      assert.equal(await hashZipFile(p), c.wantHash);
    });
  }
});

/** A file of `size` zero bytes, streamed (never held in memory). */
function zeros(path: string, size: number, data?: Buffer): ZipSourceFile {
  return {
    path,
    mode: 'file',
    size,
    open: () => {
      if (data !== undefined) return data;
      return Readable.from(
        (function* () {
          const chunk = Buffer.alloc(1 << 20);
          for (let left = size; left > 0; left -= chunk.length) {
            yield left >= chunk.length ? chunk : chunk.subarray(0, left);
          }
        })(),
      );
    },
  };
}

const discard = (): Writable =>
  new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });

// x/mod zip_test.go sizeLimitTests (Create column) plus its `negative` and `size_is_a_lie`.
export const sizeLimitTests: {
  desc: string;
  files: ZipSourceFile[];
  wantCreateErr: string;
  wantCheckZipErr: string;
}[] = [
  {
    desc: 'one_large',
    files: [zeros('large.go', MAX_ZIP_FILE)],
    wantCreateErr: '',
    wantCheckZipErr: '',
  },
  {
    desc: 'one_too_large',
    files: [zeros('large.go', MAX_ZIP_FILE + 1)],
    wantCreateErr: 'module source tree too large',
    wantCheckZipErr: 'total uncompressed size of module contents too large',
  },
  {
    desc: 'total_large',
    files: [zeros('small.go', 10), zeros('large.go', MAX_ZIP_FILE - 10)],
    wantCreateErr: '',
    wantCheckZipErr: '',
  },
  {
    desc: 'total_too_large',
    files: [zeros('small.go', 10), zeros('large.go', MAX_ZIP_FILE - 9)],
    wantCreateErr: 'module source tree too large',
    wantCheckZipErr: 'total uncompressed size of module contents too large',
  },
  {
    desc: 'large_gomod',
    files: [zeros('go.mod', MAX_GO_MOD)],
    wantCreateErr: '',
    wantCheckZipErr: '',
  },
  {
    desc: 'too_large_gomod',
    files: [zeros('go.mod', MAX_GO_MOD + 1)],
    wantCreateErr: 'go.mod file too large',
    wantCheckZipErr: 'go.mod file too large',
  },
  {
    desc: 'large_license',
    files: [zeros('LICENSE', MAX_LICENSE)],
    wantCreateErr: '',
    wantCheckZipErr: '',
  },
  {
    desc: 'too_large_license',
    files: [zeros('LICENSE', MAX_LICENSE + 1)],
    wantCreateErr: 'LICENSE file too large',
    wantCheckZipErr: 'LICENSE file too large',
  },
];

describe('TestCreateSizeLimits', () => {
  const tests = [
    ...sizeLimitTests,
    {
      desc: 'negative',
      files: [zeros('neg.go', -0x8000000000000000)],
      wantCreateErr: 'module source tree too large',
    },
    {
      desc: 'size_is_a_lie',
      files: [zeros('lie.go', 1, Buffer.from('package large'))],
      wantCreateErr: 'larger than declared size',
    },
  ];
  for (const t of tests) {
    test(t.desc, async () => {
      try {
        await createZip('example.com/large', 'v1.0.0', t.files, discard());
      } catch (err) {
        assert.ok(err instanceof ModgateError, String(err));
        assert.ok(t.wantCreateErr !== '', `unexpected error ${err.message}`);
        assert.ok(err.message.includes(t.wantCreateErr), err.message);
        assert.equal(err.kind, /too large/.test(t.wantCreateErr) ? 'too-large' : 'checksum');
        return;
      }
      assert.equal(t.wantCreateErr, '', 'unexpected success');
    });
  }
});

describe('createZip', () => {
  test('writes no directory entries, files in input order, skips omitted ones', async () => {
    const files: ZipSourceFile[] = [
      { path: 'b/z.go', mode: 'file', size: 10, open: () => Buffer.from('package z\n') },
      { path: 'a.go', mode: 'file', size: 10, open: () => Buffer.from('package a\n') },
      { path: 'link.go', mode: 'symlink', size: 0, open: () => Buffer.alloc(0) },
      { path: 'sub', mode: 'dir', size: 0, open: () => Buffer.alloc(0) },
    ];
    const p = await createToFile((out) => createZip('example.com/m', 'v1.0.0', files, out));

    const cf = await checkZipReport(p, 'example.com/m', 'v1.0.0');
    assert.deepEqual(cf.valid, ['example.com/m@v1.0.0/b/z.go', 'example.com/m@v1.0.0/a.go']);
  });

  test('content shorter than declared is written as is (as in Go)', async () => {
    const files: ZipSourceFile[] = [
      { path: 'a.go', mode: 'file', size: 100, open: () => Buffer.from('package a\n') },
    ];
    const p = await createToFile((out) => createZip('example.com/m', 'v1.0.0', files, out));
    assert.match(await hashZipFile(p), /^h1:/);
  });

  test('a failing open() fails the zip and destroys the output', async () => {
    const out = discard();
    const files: ZipSourceFile[] = [
      {
        path: 'a.go',
        mode: 'file',
        size: 1,
        open: () => {
          throw new Error('disk on fire');
        },
      },
    ];
    await assert.rejects(createZip('example.com/m', 'v1.0.0', files, out), /disk on fire/);
    assert.equal(out.destroyed, true);
  });
});
