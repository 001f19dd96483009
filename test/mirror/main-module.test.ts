import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import { computeDownloadSet, parseMainModule } from '../../src/mirror/index.js';

test('parseMainModule reads module, go, require, exclude and replace (lines and blocks)', () => {
  const m = parseMainModule(
    [
      'module example.com/main',
      'go 1.21',
      'require (',
      '\texample.com/a v1.0.0',
      '\t"example.com/b" v1.2 // indirect',
      ')',
      'exclude example.com/a v1.1.0',
      'replace (',
      '\texample.com/a => example.com/fork v1.3.0',
      '\texample.com/b v1.2.0 => ../b',
      ')',
    ].join('\n'),
  );
  assert.equal(m.path, 'example.com/main');
  assert.equal(m.go, '1.21');
  assert.deepEqual(m.require, [
    { path: 'example.com/a', version: 'v1.0.0' },
    { path: 'example.com/b', version: 'v1.2.0' },
  ]);
  assert.deepEqual([...m.exclude], ['example.com/a@v1.1.0']);
  assert.deepEqual(m.replace, [
    { old: { path: 'example.com/a' }, new: { path: 'example.com/fork', version: 'v1.3.0' } },
    { old: { path: 'example.com/b', version: 'v1.2.0' }, new: { path: '../b', version: '' } },
  ]);
});

test('parseMainModule refuses a file without module, and malformed replace/exclude', () => {
  const invalid = (e: unknown): boolean => e instanceof ModgateError && e.kind === 'invalid';
  assert.throws(() => parseMainModule('go 1.21\n'), invalid);
  assert.throws(() => parseMainModule('module m\nreplace a => b\n'), invalid);
  assert.throws(() => parseMainModule('module m\nexclude a\n'), invalid);
});

test('computeDownloadSet: no requirements, nothing; the main module is never downloaded', async () => {
  const source = {
    goMod: (): Promise<string> => Promise.resolve('module x\n'),
    localGoMod: (): Promise<string> => Promise.reject(new Error('unused')),
  };
  const none = await computeDownloadSet(parseMainModule('module m\ngo 1.19\n'), source);
  assert.deepEqual(none, { mods: [], zips: [] });
  const mods: Record<string, string> = {
    'a@v1.0.0': 'module a\ngo 1.19\nrequire m v1.0.0\n',
  };
  const set = await computeDownloadSet(parseMainModule('module m\ngo 1.16\nrequire a v1.0.0\n'), {
    goMod: (v) => Promise.resolve(mods[`${v.path}@${v.version}`] ?? 'module x\n'),
    localGoMod: source.localGoMod,
  });
  assert.deepEqual(set.zips, [{ path: 'a', version: 'v1.0.0' }]);
});
