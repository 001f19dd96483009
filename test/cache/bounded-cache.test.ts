import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BoundedCache,
  ENTRY_OVERHEAD_BYTES,
  entryBytes,
  ownedBuffer,
  ownedString,
  stringBytes,
} from '../../src/cache/index.js';

const small = (v: string): number => stringBytes(v);

test('each entry lives for its own lifetime; zero or less stores nothing', () => {
  let now = 1000;
  const m = new BoundedCache<string>({ maxBytes: 1 << 20, sizeOf: small, now: () => now });
  m.set('a', '1', 100);
  m.set('long', 'x', 1000);
  m.set('forever', 'y');
  assert.equal(m.get('a'), '1');
  now += 99;
  assert.equal(m.get('a'), '1', 'fresh until its lifetime is over');
  now += 1;
  assert.equal(m.get('a'), undefined, 'expired at exactly its lifetime');
  assert.equal(m.get('long'), 'x');
  now += 10_000_000;
  assert.equal(m.get('long'), undefined);
  assert.equal(m.get('forever'), 'y', 'no lifetime: kept until evicted');
  m.set('forever', 'z', 0);
  assert.equal(m.get('forever'), undefined, 'a lifetime of zero forgets the older entry');
  m.set('neg', 'z', -5);
  assert.equal(m.get('neg'), undefined);
  m.set('b', '2', 10);
  m.clear();
  assert.equal(m.size, 0);
  assert.equal(m.bytes, 0);
});

test('a clock starting at zero still expires entries', () => {
  let now = 0;
  const m = new BoundedCache<string>({ maxBytes: 1 << 20, sizeOf: small, now: () => now });
  m.set('k', 'v', 50);
  assert.equal(m.get('k'), 'v');
  now = 50;
  assert.equal(m.get('k'), undefined);
});

test('the least recently used entries make room; an entry over maxEntryBytes is not kept', () => {
  const one = entryBytes('a', stringBytes('1'));
  const m = new BoundedCache<string>({ maxBytes: 3 * one, sizeOf: small });
  m.set('a', '1');
  m.set('b', '2');
  m.set('c', '3');
  assert.equal(m.get('a'), '1'); // a is now the most recently used
  m.set('d', '4');
  assert.equal(m.get('b'), undefined, 'b was the least recently used');
  assert.deepEqual(
    ['a', 'c', 'd'].map((k) => m.get(k)),
    ['1', '3', '4'],
  );
  assert.equal(m.bytes, 3 * one);
  assert.deepEqual(m.usage, { entries: 3, bytes: 3 * one, maxBytes: 3 * one });

  const capped = new BoundedCache<string>({ maxBytes: 10_000, maxEntryBytes: 500, sizeOf: small });
  capped.set('k', 'v'.repeat(1000));
  assert.equal(capped.get('k'), undefined);
  capped.set('k', 'v');
  capped.set('k', 'v'.repeat(1000));
  assert.equal(capped.get('k'), undefined, 'replacing with a too-big value forgets the old one');
});

test('bound holds under 200,000 distinct long keys with lifetimes (adversarial paths)', () => {
  let now = 5_000;
  const maxBytes = 1024 * 1024;
  const m = new BoundedCache<{ kind: string; message: string }>({
    maxBytes,
    sizeOf: (v) => 40 + stringBytes(v.message),
    now: () => now,
  });
  const N = 200_000;
  const key = (i: number): string => `/example.com/${'x'.repeat(200)}/m${i}/@v/list`;
  let maxSize = 0;
  for (let i = 0; i < N; i++) {
    m.set(key(i), { kind: 'not-found', message: `not found: ${i}` }, 60_000);
    if (m.bytes > maxBytes) assert.fail(`accounted ${m.bytes} bytes after ${i + 1} entries`);
    maxSize = Math.max(maxSize, m.size);
  }
  assert.ok(m.bytes <= maxBytes);
  assert.ok(maxSize <= maxBytes / ENTRY_OVERHEAD_BYTES, `${maxSize} entries`);
  // Each entry accounts for at least its key's 2 bytes per character.
  assert.ok(maxSize <= maxBytes / stringBytes(key(0)), `${maxSize} entries`);
  assert.ok(m.size > 100, 'still useful: many recent entries kept');
  // The most recent entries are still answered; the oldest are gone.
  for (let i = N - 100; i < N; i++) assert.equal(m.get(key(i))?.message, `not found: ${i}`);
  assert.equal(m.get(key(0)), undefined);
  // Lifetimes still hold for what is kept.
  now += 60_000;
  assert.equal(m.get(key(N - 1)), undefined);
});

test('owned copies hold only their own bytes', () => {
  const pooled = Buffer.from('small body'); // a view into Node's shared pool slab
  assert.ok(pooled.buffer.byteLength > pooled.byteLength);
  const owned = ownedBuffer(pooled);
  assert.notEqual(owned, pooled);
  assert.equal(owned.buffer.byteLength, owned.byteLength);
  assert.deepEqual(owned, pooled);
  assert.equal(ownedBuffer(owned), owned, 'already owned: the same buffer');

  const parent = 'p'.repeat(10_000);
  const slice = parent.slice(10, 400);
  assert.equal(ownedString(slice), slice);
  assert.equal(ownedString('lone \ud800 surrogate'), 'lone \ud800 surrogate');
});
