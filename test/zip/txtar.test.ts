import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTxtar } from '../support/txtar.js';

describe('txtar reader (golang.org/x/tools/txtar rules)', () => {
  test('comment and files; a final newline is added', () => {
    const a = parseTxtar('comment\nline 2\n-- a.txt --\nA\n-- b/c.txt --\nno newline');
    assert.equal(a.comment.toString(), 'comment\nline 2\n');
    assert.deepEqual(
      a.files.map((f) => [f.name, f.data.toString()]),
      [
        ['a.txt', 'A\n'],
        ['b/c.txt', 'no newline\n'],
      ],
    );
  });

  test('empty files, names trimmed, markers only at line starts', () => {
    const a = parseTxtar('-- a --\n--  spaced name  --\nx -- not a marker --\n-- b --');
    assert.deepEqual(
      a.files.map((f) => [f.name, f.data.toString()]),
      [
        ['a', ''],
        ['spaced name', 'x -- not a marker --\n'],
        ['b', ''],
      ],
    );
    assert.equal(a.comment.length, 0);
  });

  test('not a marker: missing end, empty name', () => {
    const a = parseTxtar('-- a\n-- --\n--  --\n');
    assert.equal(a.files.length, 0);
    assert.equal(a.comment.toString(), '-- a\n-- --\n--  --\n');
  });

  test('bytes are kept exactly (non-UTF-8 data)', () => {
    const raw = Buffer.concat([
      Buffer.from('path=\xff\n', 'latin1'),
      Buffer.from('-- f --\n\x00\xfe\n', 'latin1'),
    ]);
    const a = parseTxtar(raw);
    assert.deepEqual([...a.comment], [...Buffer.from('path=\xff\n', 'latin1')]);
    assert.deepEqual([...a.files[0]!.data], [0x00, 0xfe, 0x0a]);
  });
});
