import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  splitStoredHashIndex,
  storedHashCount,
  storedHashIndex,
} from '../../../src/sumdb/tlog/index.js';

test('TestSplitStoredHashIndex: split inverts storedHashIndex', () => {
  for (let l = 0; l < 10; l++) {
    for (let n = 0; n < 100; n++) {
      const x = storedHashIndex(l, n);
      assert.deepEqual(splitStoredHashIndex(x), { level: l, n }, `storedHashIndex(${l}, ${n})`);
    }
  }
});

test('storedHashIndex and storedHashCount values from the spec', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7].map((n) => storedHashIndex(0, n)),
    [0, 1, 3, 4, 7, 8, 10, 11],
  );
  assert.equal(storedHashIndex(1, 0), 2);
  assert.equal(storedHashIndex(1, 1), 5);
  assert.equal(storedHashIndex(2, 0), 6);
  assert.equal(storedHashIndex(3, 0), 14);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => storedHashCount(n)),
    [0, 1, 3, 4, 7, 8, 10, 11, 15],
  );
});

test('indexes beyond 2^32 stay exact (no 32-bit bit operations)', () => {
  // A log of 5·10^9 records: index math must not wrap at 2^31 or 2^32.
  const n = 5_000_000_000;
  const x = storedHashIndex(0, n);
  assert.ok(x > 2 ** 32);
  assert.deepEqual(splitStoredHashIndex(x), { level: 0, n });
  for (const level of [1, 7, 20]) {
    const m = Math.floor(n / 2 ** level);
    assert.deepEqual(splitStoredHashIndex(storedHashIndex(level, m)), { level, n: m });
  }
  assert.equal(storedHashCount(2 ** 33), storedHashIndex(33, 0) + 1);
});

test('out-of-range inputs are refused, not wrapped', () => {
  assert.throws(() => storedHashIndex(0, -1), /\[0, 2\^53\)/);
  assert.throws(() => storedHashIndex(0, 1.5), /\[0, 2\^53\)/);
  assert.throws(() => storedHashIndex(0, 2 ** 53), /\[0, 2\^53\)/);
  assert.throws(() => storedHashIndex(60, 2 ** 20), /beyond 2\^53/);
});
