import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { compareGoStrings, EMPTY_HASH1, hash1, hashGoMod } from '../../src/zip/index.js';
import { dirFiles, hashDir, hashZipFile } from '../../src/zip/files/index.js';
import { writeRawZip } from '../support/write-raw-zip.js';

const work = mkdtempSync(join(tmpdir(), 'modgate-dirhash-'));
after(() => rmSync(work, { recursive: true, force: true }));

// x/mod/sumdb/dirhash hash_test.go helpers.
const h = (s: string): string => createHash('sha256').update(s).digest('hex');
const htop = (k: string, s: string): string =>
  `${k}:${createHash('sha256').update(s).digest('base64')}`;

describe('dirhash (x/mod sumdb/dirhash/hash_test.go)', () => {
  test('TestHash1', async () => {
    const open = (name: string): Buffer => Buffer.from('data for ' + name);
    const want = htop('h1', `${h('data for abc')}  abc\n${h('data for xyz')}  xyz\n`);
    assert.equal(await hash1(['xyz', 'abc'], open), want);
    await assert.rejects(
      hash1(['xyz', 'a\nbc'], open),
      /filenames with newlines are not supported/,
    );
  });

  test('TestHashDir', async () => {
    const dir = join(work, 'hashdir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'xyz'), 'data for xyz');
    writeFileSync(join(dir, 'abc'), 'data for abc');
    const want = htop('h1', `${h('data for abc')}  prefix/abc\n${h('data for xyz')}  prefix/xyz\n`);
    assert.equal(await hashDir(dir, 'prefix'), want);
  });

  test('TestHashZip', async () => {
    const p = join(work, 'hashzip.zip');
    writeRawZip(p, [
      { name: 'prefix/xyz', data: 'data for xyz' },
      { name: 'prefix/abc', data: 'data for abc' },
    ]);
    const want = htop('h1', `${h('data for abc')}  prefix/abc\n${h('data for xyz')}  prefix/xyz\n`);
    assert.equal(await hashZipFile(p), want);
  });

  test('TestDirFiles', async () => {
    const dir = join(work, 'dirfiles');
    mkdirSync(join(dir, 'subdir'), { recursive: true });
    writeFileSync(join(dir, 'xyz'), 'data for xyz');
    writeFileSync(join(dir, 'abc'), 'data for abc');
    writeFileSync(join(dir, 'subdir', 'xyz'), 'data for subdir xyz');
    const prefix = 'foo/bar@v2.3.4';
    const out = await dirFiles(dir, prefix);
    assert.deepEqual(out, [`${prefix}/abc`, `${prefix}/subdir/xyz`, `${prefix}/xyz`]);
  });
});

describe('hash1 details', () => {
  test('empty set', async () => {
    assert.equal(await hash1([], () => Buffer.alloc(0)), EMPTY_HASH1);
  });

  test('go.mod hash (spec appendix A)', () => {
    assert.equal(
      hashGoMod(Buffer.from('module example.com/hello\n')),
      'h1:fpu2YBs8Cn+uPELS7pdczZmF9hlK1PibTkwahffYMfo=',
    );
  });

  test('names sort bytewise over UTF-8, not by UTF-16 code units', async () => {
    // U+FF21 (3 UTF-8 bytes, one UTF-16 unit 0xFF21) vs U+1F600 (4 bytes, surrogates 0xD83D…):
    // UTF-16 order puts the emoji first, Go's byte order puts U+FF21 first.
    const a = 'p/\uff21';
    const b = 'p/\u{1f600}';
    assert.ok(compareGoStrings(a, b) < 0);
    assert.ok([b, a].sort()[0] === b, 'JS default order differs');
    const open = (name: string): Buffer => Buffer.from(name);
    const want = htop('h1', `${h(a)}  ${a}\n${h(b)}  ${b}\n`);
    assert.equal(await hash1([b, a], open), want);
  });

  test('contents may be streams', async () => {
    const got = await hash1(['a'], () => Readable.from([Buffer.from('data for '), 'a']));
    assert.equal(got, htop('h1', `${h('data for a')}  a\n`));
  });
});
