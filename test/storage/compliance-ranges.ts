import assert from 'node:assert/strict';
import type { ByteRange, Storage } from '../../src/storage/index.js';
import type { StorageTest } from './compliance.js';
import { isInvalid } from './compliance-basics.js';
import { pattern, readAll } from './stream-helpers.js';

const ZIP = 'example.com/m/@v/v1.0.0.zip';

async function readRange(s: Storage, range: ByteRange | undefined): Promise<Buffer> {
  const read = await s.openRead(ZIP, range);
  assert.ok(read);
  assert.equal(read.stat.size, 100_000, 'stat is the whole file, whatever the range');
  return readAll(read.stream);
}

/** openRead with byte ranges: inclusive, clamped at the end, empty past it. */
export function rangesCompliance(storageTest: StorageTest): void {
  storageTest('reads inclusive byte ranges', async (s) => {
    const data = pattern(100_000);
    await s.putBytes(ZIP, data);
    const cases: [ByteRange | undefined, Buffer][] = [
      [undefined, data],
      [{ start: 0, end: 99_999 }, data],
      [{ start: 0, end: 0 }, data.subarray(0, 1)],
      [{ start: 40_000, end: 70_004 }, data.subarray(40_000, 70_005)],
      [{ start: 99_999, end: 99_999 }, data.subarray(99_999)],
      [{ start: 99_000, end: 200_000 }, data.subarray(99_000)],
      [{ start: 12_345, end: Infinity }, data.subarray(12_345)],
      [{ start: 100_000, end: 100_010 }, Buffer.alloc(0)],
      [{ start: 500_000, end: Infinity }, Buffer.alloc(0)],
    ];
    for (const [range, want] of cases) {
      assert.deepEqual(await readRange(s, range), want, JSON.stringify(range));
    }
  });

  storageTest('an empty file reads as an empty stream', async (s) => {
    await s.putBytes(ZIP, Buffer.alloc(0));
    for (const range of [undefined, { start: 0, end: 0 }]) {
      const read = await s.openRead(ZIP, range);
      assert.ok(read);
      assert.equal(read.stat.size, 0);
      assert.deepEqual(await readAll(read.stream), Buffer.alloc(0));
    }
  });

  storageTest('malformed ranges are invalid', async (s) => {
    await s.putBytes(ZIP, pattern(10));
    for (const range of [
      { start: 5, end: 4 },
      { start: -1, end: 3 },
      { start: 0.5, end: 3 },
      { start: 0, end: NaN },
      { start: NaN, end: 3 },
    ]) {
      await assert.rejects(s.openRead(ZIP, range), isInvalid, JSON.stringify(range));
    }
  });
}
