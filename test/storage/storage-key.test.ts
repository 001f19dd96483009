import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import {
  checkStorageKey,
  checkStoragePrefix,
  compareStorageKeys,
  isStorageKey,
  resolveRange,
} from '../../src/storage/index.js';
import { INVALID_KEYS } from './compliance-keys.js';

const isInvalid = (err: unknown) => err instanceof ModgateError && err.kind === 'invalid';

test('storage keys: URL-space paths pass, everything in INVALID_KEYS fails', () => {
  for (const key of [
    'a',
    'github.com/!burnt!sushi/toml/@v/v1.0.0.zip',
    'example.com/m/@v/v1.0.0+incompatible.info',
    'sumdb/sum.golang.org/tile/8/0/x001/234.p/5',
    'example.com/m/@v/list',
    'a.b/c..d/e.',
  ]) {
    assert.equal(isStorageKey(key), true, key);
    checkStorageKey(key);
  }
  for (const key of INVALID_KEYS) {
    assert.equal(isStorageKey(key), false, JSON.stringify(key));
    assert.throws(() => checkStorageKey(key), isInvalid);
  }
});

test('storage key errors say what is wrong', () => {
  assert.throws(
    () => checkStorageKey('a/../b'),
    /invalid storage key "a\/..\/b": ".." path element/,
  );
  assert.throws(() => checkStorageKey('.staging/x'), /starts with "."/);
  assert.throws(() => checkStorageKey('a\\b'), /backslash or control character/);
});

test('prefixes are empty or a key followed by /', () => {
  for (const prefix of ['', 'a/', 'example.com/m/@v/']) checkStoragePrefix(prefix);
  for (const prefix of ['a', '/', 'a//', '../', '.spool/']) {
    assert.throws(() => checkStoragePrefix(prefix), isInvalid, prefix);
  }
});

test('keys sort in UTF-8 byte order', () => {
  const keys = ['b', 'a/b', 'a', '\u{10000}', '\uffff', 'A', '@'];
  assert.deepEqual(keys.sort(compareStorageKeys), [
    '@',
    'A',
    'a',
    'a/b',
    'b',
    '\uffff',
    '\u{10000}',
  ]);
});

test('resolveRange clamps the end and is empty past the end', () => {
  assert.deepEqual(resolveRange(undefined, 10), { start: 0, end: 9 });
  assert.equal(resolveRange(undefined, 0), null);
  assert.deepEqual(resolveRange({ start: 2, end: 100 }, 10), { start: 2, end: 9 });
  assert.deepEqual(resolveRange({ start: 2, end: Infinity }, 10), { start: 2, end: 9 });
  assert.equal(resolveRange({ start: 10, end: 10 }, 10), null);
  assert.throws(() => resolveRange({ start: 3, end: 2 }, 10), isInvalid);
});
