// Issue 9, "done means": no file in src/ over 400 lines without a reason written at its top.
// A file past the limit must say why within its first 40 lines, in a comment that names the
// limit ("… 400 lines …"); everything else is split, not squeezed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { sourceFiles } from '../support/source-files.js';

const src = fileURLToPath(new URL('../../../src/', import.meta.url));
const LIMIT = 400;
const HEAD_LINES = 40;

/** Whether the file's first lines hold a comment line that gives the reason for its length. */
function saysWhyItIsLong(text: string): boolean {
  return text
    .split('\n')
    .slice(0, HEAD_LINES)
    .some((line) => /^\s*(\/\/|\/?\*)/.test(line) && /\b400 lines\b/i.test(line));
}

test('the reason check needs a comment naming the limit near the top', () => {
  assert.equal(
    saysWhyItIsLong('/**\n * Over 400 lines on purpose: one state machine.\n */\n'),
    true,
  );
  assert.equal(saysWhyItIsLong('// kept past 400 lines: one table\nexport {};\n'), true);
  assert.equal(saysWhyItIsLong('const s = "400 lines";\n'), false);
  assert.equal(saysWhyItIsLong(`${'\n'.repeat(HEAD_LINES)}// 400 lines: too late\n`), false);
});

test(`every src/ file over ${LIMIT} lines says why at its top`, () => {
  const unexplained = sourceFiles(src)
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }))
    .filter(({ text }) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0) > LIMIT)
    .filter(({ text }) => !saysWhyItIsLong(text))
    .map(({ file }) => relative(src, file));
  assert.deepEqual(unexplained, [], `split these files, or say at their top why they are longer`);
});
