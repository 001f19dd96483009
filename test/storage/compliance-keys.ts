import assert from 'node:assert/strict';
import type { StorageTest } from './compliance.js';
import { isInvalid } from './compliance-basics.js';
import { chunked } from './stream-helpers.js';

/** Keys outside the URL space: traversal, absolute, unclean, dot-elements, too long. */
export const INVALID_KEYS = [
  '',
  '.',
  '..',
  '../x',
  '../../etc/passwd',
  'a/../b',
  'a/..',
  '/abs',
  '/etc/passwd',
  'a//b',
  'a/./b',
  './a',
  'a/',
  'a\\b',
  '..\\x',
  'a\0b',
  'a\nb',
  'a\x7fb',
  '.staging/x',
  '.spool/x',
  'a/.hidden',
  'example.com/m/@v/.v1.0.0.zip',
  'x'.repeat(1025),
  `a/${'x'.repeat(256)}`,
];

const INVALID_PREFIXES = ['a', '/', '/a/', '../', 'a//', './', '.staging/', 'a/../', 'a\\b/'];

const SEEDED = { 'example.com/m/@v/list': 'v1.0.0\n', 'example.com/m/@v/v1.0.0.info': '{}' };

/** Every operation refuses bad keys as `invalid` before touching anything. */
export function keysCompliance(storageTest: StorageTest): void {
  storageTest('accepts URL-space keys up to the length limit', async (s) => {
    const keys = [
      'a',
      `b/${'x'.repeat(255)}`,
      `${'abcdefgh/'.repeat(113)}abcdefg`, // 1024 bytes
      'example.com/!my!mod/v2/@v/v2.0.0+incompatible.zip',
      'example.com/m/@v/v1.0.0-0.20240101000000-0123456789ab.info',
      'gopkg.in/yaml.v3/@v/v3.0.1.mod',
      'example.com/~user/m_x/@latest',
      'sumdb/sum.golang.org/lookup/example.com/m@v1.0.0',
    ];
    for (const key of keys) {
      await s.putBytes(key, Buffer.from(key));
      assert.deepEqual(await s.getBytes(key), Buffer.from(key), key);
    }
  });

  storageTest('refuses invalid keys in every operation, touching nothing', async (s) => {
    for (const [key, value] of Object.entries(SEEDED)) await s.putBytes(key, Buffer.from(value));
    for (const key of INVALID_KEYS) {
      const label = JSON.stringify(key);
      await assert.rejects(s.getBytes(key), isInvalid, `getBytes ${label}`);
      await assert.rejects(s.putBytes(key, Buffer.from('x')), isInvalid, `putBytes ${label}`);
      await assert.rejects(s.stat(key), isInvalid, `stat ${label}`);
      await assert.rejects(s.openRead(key), isInvalid, `openRead ${label}`);
      await assert.rejects(s.delete(key), isInvalid, `delete ${label}`);
      const source = chunked(Buffer.from('x'));
      await assert.rejects(s.putStream(key, source, 1), isInvalid, `putStream ${label}`);
      assert.ok(source.destroyed, `putStream ${label} destroys the stream`);
    }
    for (const prefix of INVALID_PREFIXES) {
      await assert.rejects(s.list(prefix), isInvalid, `list ${JSON.stringify(prefix)}`);
    }
    assert.deepEqual(await s.list(''), Object.keys(SEEDED).sort());
    for (const [key, value] of Object.entries(SEEDED)) {
      assert.deepEqual(await s.getBytes(key), Buffer.from(value));
    }
  });
}
