import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  checkedFilesError,
  checkFiles,
  formatCheckedFiles,
  isVendoredPackage,
  type FileEntry,
} from '../../src/zip/index.js';
import { checkDir } from '../../src/zip/files/index.js';
import { readZipTest, splitWant, UPSTREAM_ZIP_FIXTURES, vectorFiles } from './zip-vectors.js';

const work = mkdtempSync(join(tmpdir(), 'modgate-check-files-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Go's harness: the error, if any, is exactly the list of invalid files. */
function assertErrIsInvalidList(cf: ReturnType<typeof checkFiles>): void {
  const want =
    cf.invalid.length > 0 ? cf.invalid.map((e) => `${e.path}: ${e.reason}`).join('\n') : undefined;
  assert.equal(checkedFilesError(cf), want);
}

describe('x/mod check_files vectors (CheckFiles)', () => {
  for (const file of vectorFiles('check_files')) {
    const t = readZipTest(file);
    test(t.name, () => {
      const { want, files } = splitWant(t.archive);
      const entries: FileEntry[] = files.map((f) => ({
        path: f.name,
        mode: 'file',
        size: f.data.length,
      }));
      // Go reads the root go.mod through the file list (the last one named exactly go.mod).
      const rootGoMod = files.filter((f) => f.name === 'go.mod').pop()?.data;
      const cf = checkFiles(entries, { rootGoMod });
      assert.equal(formatCheckedFiles(cf), want);
      assertErrIsInvalidList(cf);
    });
  }
});

describe('x/mod check_dir vectors (CheckDir)', () => {
  let n = 0;
  for (const file of vectorFiles('check_dir')) {
    const t = readZipTest(file);
    test(t.name, async () => {
      const { want, files } = splitWant(t.archive);
      const dir = join(work, `d${n++}`);
      mkdirSync(dir);
      for (const f of files) {
        const p = join(dir, ...f.name.split('/'));
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, f.data);
      }
      const cf = await checkDir(dir);
      assert.equal(formatCheckedFiles(cf).replaceAll(dir, '$work'), want);
      assertErrIsInvalidList(cf);
    });
  }
});

describe('checkFiles', () => {
  test('symlinks, directories and other irregular files are omitted', () => {
    const cf = checkFiles([
      { path: 'a.go', mode: 'file', size: 1 },
      { path: 'l.go', mode: 'symlink', size: 1 },
      { path: 'd', mode: 'dir', size: 0 },
      { path: 'fifo', mode: 'other', size: 0 },
    ]);
    assert.equal(
      formatCheckedFiles(cf),
      'valid:\na.go\n\nomitted:\nl.go: file is a symbolic link\nd: not a regular file\nfifo: not a regular file\n\ninvalid:\n',
    );
  });

  test('absolute path', () => {
    const cf = checkFiles([{ path: '/etc/passwd', mode: 'file', size: 1 }]);
    assert.deepEqual(cf.invalid, [{ path: '/etc/passwd', reason: 'file path is not relative' }]);
  });

  test('a symlinked go.mod does not make a nested module', () => {
    const cf = checkFiles([
      { path: 'sub/go.mod', mode: 'symlink', size: 1 },
      { path: 'sub/a.go', mode: 'file', size: 1 },
    ]);
    assert.deepEqual(cf.valid, ['sub/a.go']);
    assert.deepEqual(cf.omitted, [{ path: 'sub/go.mod', reason: 'file is a symbolic link' }]);
  });

  test('the vendor rule follows the root go.mod go directive', () => {
    const paths = [
      'vendor/modules.txt',
      'vendor/a/b.go',
      'pkg/vendor/vendor.go',
      'pkg/vendor/x/y.go',
    ];
    const entries: FileEntry[] = paths.map((path) => ({ path, mode: 'file', size: 1 }));
    const valid = (goMod?: string): string[] => checkFiles(entries, { rootGoMod: goMod }).valid;
    assert.deepEqual(valid(), ['vendor/modules.txt']);
    assert.deepEqual(valid('module m\ngo 1.23\n'), ['vendor/modules.txt']);
    assert.deepEqual(valid('module m\ngo 1.24\n'), ['pkg/vendor/vendor.go']);
    assert.deepEqual(valid('module m\n\ngo 1.25.3 // comment\n'), ['pkg/vendor/vendor.go']);
    assert.deepEqual(valid('module m\ngo 1.24rc1\n'), ['pkg/vendor/vendor.go']);
    // Unparsable go.mod or go directive: the old rule.
    assert.deepEqual(valid('module m\ngo 1.24\ngo 1.24\n'), ['vendor/modules.txt']);
    assert.deepEqual(valid('module m\ngo banana\n'), ['vendor/modules.txt']);
  });
});

describe('isVendoredPackage (upstream vendor_test.go table)', () => {
  interface Table {
    versionSets: Record<string, string[]>;
    cases: { path: string; want: boolean; versions: string[] }[];
  }
  const table = JSON.parse(
    readFileSync(join(UPSTREAM_ZIP_FIXTURES, 'is-vendored-package.json'), 'utf8'),
  ) as Table;
  for (const c of table.cases) {
    for (const set of c.versions) {
      for (const v of table.versionSets[set] ?? [set]) {
        test(`${c.path} @ ${JSON.stringify(v)} → ${c.want}`, () => {
          assert.equal(isVendoredPackage(c.path, v), c.want);
        });
      }
    }
  }
});
