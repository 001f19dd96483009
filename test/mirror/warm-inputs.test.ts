import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import { collectWarmInputs } from '../../src/mirror/index.js';

test('collectWarmInputs walks directories, skipping what the go command skips', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-warm-inputs-'));
  try {
    const files = [
      'go.mod',
      'go.sum',
      'sub/go.mod',
      'sub/deeper/go.work',
      '.git/go.mod',
      '_old/go.mod',
      'testdata/go.mod',
      'vendor/go.mod',
      'node_modules/x/go.mod',
      'sub/notes.txt',
    ];
    for (const f of files) {
      await mkdir(join(dir, f, '..'), { recursive: true });
      await writeFile(join(dir, f), f.endsWith('go.mod') ? 'module m\n' : 'x\n');
    }
    const got = await collectWarmInputs([dir], () => Promise.reject(new Error('no stdin')));
    assert.deepEqual(
      got.map((i) => [i.name.slice(dir.length + 1), i.kind]),
      [
        ['go.mod', 'go.mod'],
        ['go.sum', 'go.sum'],
        ['sub/deeper/go.work', 'go.work'],
        ['sub/go.mod', 'go.mod'],
      ],
    );
    assert.equal(got[3]?.dir, join(dir, 'sub'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('collectWarmInputs recognises stdin by content and refuses what it cannot read', async () => {
  const read = (text: string): Promise<string> => Promise.resolve(text);
  const kinds = async (text: string): Promise<string | undefined> =>
    (await collectWarmInputs(['-'], () => read(text), '/tmp'))[0]?.kind;
  assert.equal(await kinds('module example.com/m\n\ngo 1.21\n'), 'go.mod');
  assert.equal(await kinds('go 1.21\n\nuse ./a\n'), 'go.work');
  assert.equal(await kinds('go 1.21\n\nuse (\n\t./a\n)\n'), 'go.work');
  assert.equal(await kinds('example.com/a v1.0.0 h1:abc=\n'), 'go.sum');
  const invalid = (e: unknown): boolean => e instanceof ModgateError && e.kind === 'invalid';
  await assert.rejects(kinds('hello\n'), invalid);
  await assert.rejects(
    collectWarmInputs(['/nonexistent/x'], () => read('')),
    invalid,
  );
});
