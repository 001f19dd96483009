import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteLru } from '../../src/service/byte-lru.js';
import { bufferBytes, entryBytes, objectBytes, stringBytes } from '../../src/cache/index.js';
import { Singleflight } from '../../src/async/index.js';
import { parseByteRange } from '../../src/http/byte-range.js';
import { statusForError } from '../../src/http/status-for-error.js';
import { ModgateError } from '../../src/errors/index.js';

test('singleflight shares one call among concurrent callers and forgets failures', async () => {
  const sf = new Singleflight<number>();
  let calls = 0;
  let release: (v: number) => void = () => undefined;
  const fn = () => {
    calls++;
    return new Promise<number>((r) => (release = r));
  };
  const all = Promise.all([sf.do('k', fn), sf.do('k', fn), sf.do('k', fn)]);
  release(7);
  assert.deepEqual(await all, [7, 7, 7]);
  assert.equal(calls, 1);
  await assert.rejects(sf.do('k', () => Promise.reject(new Error('x'))));
  assert.equal(await sf.do('k', () => Promise.resolve(8)), 8);
  assert.equal(sf.size, 0);
});

test('byte LRU evicts least recently used past its byte budget', () => {
  const one = entryBytes('a', objectBytes(3) + bufferBytes(Buffer.alloc(4)));
  const lru = new ByteLru(2 * one + 10, one);
  lru.set('a', { data: Buffer.alloc(4), fetchedAt: 0 });
  lru.set('b', { data: Buffer.alloc(4), fetchedAt: 0 });
  assert.ok(lru.get('a'));
  lru.set('c', { data: Buffer.alloc(4), fetchedAt: 0 });
  assert.equal(lru.get('b'), undefined);
  assert.ok(lru.get('a') && lru.get('c'));
  assert.equal(lru.size, 2);
  assert.equal(lru.bytes, 2 * one);
  lru.set('big', { data: Buffer.alloc(5), fetchedAt: 0 });
  assert.equal(lru.get('big'), undefined, 'over the per-entry bound: not kept');
});

test('byte LRU: keys, empty bodies and pool slabs count, so the bound holds', () => {
  const maxBytes = 1024 * 1024;
  const lru = new ByteLru(maxBytes);
  const key = (i: number): string => `example.com/${'k'.repeat(300)}/m${i}/@v/list`;
  for (let i = 0; i < 200_000; i++) {
    // Empty lists cost nothing by their data length alone.
    lru.set(key(i), { data: Buffer.alloc(0), fetchedAt: i });
    if (lru.bytes > maxBytes) assert.fail(`accounted ${lru.bytes} bytes after ${i + 1} entries`);
  }
  assert.ok(lru.size <= maxBytes / stringBytes(key(0)), `${lru.size} entries`);
  assert.equal(lru.get(key(199_999))?.fetchedAt, 199_999, 'the most recent is kept');
  assert.equal(lru.get(key(0)), undefined);
  // A small buffer cut from a shared pool slab is stored as a copy of its own bytes.
  const pooled = Buffer.from('v1.0.0\n');
  lru.set('pooled', { data: pooled, fetchedAt: 0 });
  const kept = lru.get('pooled')?.data;
  assert.deepEqual(kept, pooled);
  assert.equal(kept?.buffer.byteLength, pooled.byteLength);
});

test('byte ranges', () => {
  assert.equal(parseByteRange(undefined, 10), null);
  assert.deepEqual(parseByteRange('bytes=0-0', 10), { start: 0, end: 0 });
  assert.deepEqual(parseByteRange('bytes=2-', 10), { start: 2, end: 9 });
  assert.deepEqual(parseByteRange('bytes=-3', 10), { start: 7, end: 9 });
  assert.deepEqual(parseByteRange('bytes=5-100', 10), { start: 5, end: 9 });
  assert.equal(parseByteRange('bytes=10-', 10), 'unsatisfiable');
  assert.equal(parseByteRange('bytes=0-1,3-4', 10), null);
  assert.equal(parseByteRange('items=0-1', 10), null);
  assert.equal(parseByteRange('bytes=0-', 0), 'unsatisfiable');
});

test('one mapping from error kinds to statuses', () => {
  const s = (k: ModgateError['kind']) => statusForError(new ModgateError(k, 'x'));
  assert.deepEqual(
    [
      s('not-found'),
      s('gone'),
      s('invalid'),
      s('forbidden'),
      s('upstream'),
      s('timeout'),
      s('too-large'),
      s('checksum'),
      s('unavailable'),
      s('internal'),
    ],
    [404, 410, 400, 403, 502, 504, 502, 502, 503, 500],
  );
  assert.equal(statusForError(new Error('x')), 500);
});
