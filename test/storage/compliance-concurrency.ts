import assert from 'node:assert/strict';
import type { PassThrough } from 'node:stream';
import type { Storage } from '../../src/storage/index.js';
import type { StorageTest } from './compliance.js';
import { manual, pattern, readAll, settle } from './stream-helpers.js';

const ZIP = 'example.com/m/@v/v1.0.0.zip';
const SIZE = 200_000;

/** What a reader may see during a write: the old value whole, or nothing when there was none. */
async function assertOldOrNothing(s: Storage, key: string, old: Buffer | null): Promise<void> {
  assert.deepEqual(await s.getBytes(key), old);
  assert.equal((await s.stat(key))?.size, old?.length);
  const read = await s.openRead(key);
  assert.deepEqual(read === null ? null : await readAll(read.stream), old);
  const listed = (await s.list('')).includes(key);
  assert.equal(listed, old !== null, 'listed only once complete');
}

/** Half-feeds `source` with `data`, for a write held open in the middle. */
async function feedHalf(source: PassThrough, data: Buffer): Promise<void> {
  source.write(data.subarray(0, data.length / 2));
  await settle();
}

/** Concurrent writers and readers: atomic replacement, never a partial value. */
export function concurrencyCompliance(storageTest: StorageTest): void {
  storageTest('concurrent writers of one key leave one complete value', async (s) => {
    const writers = 6;
    const values = Array.from({ length: writers }, (_, i) => Buffer.alloc(SIZE, i + 1));
    const sources = values.map(() => manual());
    const puts = sources.map((source) => s.putStream(ZIP, source, SIZE));
    // Interleave the writers' chunks so their writes overlap.
    for (let offset = 0; offset < SIZE; offset += 20_000) {
      sources.forEach((source, i) => source.write(values[i]?.subarray(offset, offset + 20_000)));
      await settle();
    }
    for (const source of sources) source.end();
    const extra = s.putBytes(ZIP, Buffer.alloc(SIZE, 0xee));
    await Promise.all([...puts, extra]);
    const final = await s.getBytes(ZIP);
    assert.ok(final);
    assert.equal(final.length, SIZE);
    const first = final[0];
    assert.ok(first !== undefined && (first === 0xee || (first >= 1 && first <= writers)));
    assert.ok(
      final.every((b) => b === first),
      'one writer’s value, not a mix',
    );
    assert.deepEqual(await s.list(''), [ZIP]);
  });

  storageTest('readers during a slow overwrite see the old value whole', async (s) => {
    const old = pattern(SIZE, 1);
    const next = pattern(SIZE, 2);
    await s.putBytes(ZIP, old);
    const before = await s.stat(ZIP);
    const source = manual();
    const put = s.putStream(ZIP, source, SIZE);
    await feedHalf(source, next);
    await assertOldOrNothing(s, ZIP, old);
    assert.equal((await s.stat(ZIP))?.etag, before?.etag);
    source.end(next.subarray(SIZE / 2));
    await put;
    assert.deepEqual(await s.getBytes(ZIP), next);
  });

  storageTest('readers during a slow first write see nothing', async (s) => {
    const data = pattern(SIZE, 3);
    const source = manual();
    const put = s.putStream(ZIP, source, SIZE);
    await feedHalf(source, data);
    await assertOldOrNothing(s, ZIP, null);
    source.end(data.subarray(SIZE / 2));
    await put;
    assert.deepEqual(await s.getBytes(ZIP), data);
  });

  storageTest('a read opened before an overwrite streams the version it opened', async (s) => {
    const old = pattern(SIZE, 4);
    await s.putBytes(ZIP, old);
    const read = await s.openRead(ZIP);
    assert.ok(read);
    await s.putBytes(ZIP, pattern(SIZE, 5));
    await s.delete('example.com/other');
    assert.deepEqual(await readAll(read.stream), old);
    assert.deepEqual(await s.getBytes(ZIP), pattern(SIZE, 5));
  });
}
