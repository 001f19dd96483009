import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ModgateError } from '../../src/errors/index.js';
import type { Storage } from '../../src/storage/index.js';
import type { StorageTest } from './compliance.js';
import { isInvalid } from './compliance-basics.js';
import { chunked, failing, manual, pattern, readAll, settle } from './stream-helpers.js';

const ZIP = 'example.com/m/@v/v1.0.0.zip';
const OLD = Buffer.from('the old zip, which must survive every failed write');

function isInternal(err: unknown): boolean {
  return err instanceof ModgateError && err.kind === 'internal';
}

/** A failed write leaves the key as it was (`OLD`) and adds no other key. */
async function assertUntouched(s: Storage): Promise<void> {
  assert.deepEqual(await s.getBytes(ZIP), OLD);
  assert.equal((await s.stat(ZIP))?.size, OLD.length);
  assert.deepEqual(await s.list(''), [ZIP]);
}

/** putStream: exact sizes stored, every kind of failure storing nothing. */
export function putStreamCompliance(storageTest: StorageTest): void {
  storageTest('stores a stream of exactly the declared size', async (s) => {
    const data = pattern(1_000_003, 3);
    await s.putStream(ZIP, chunked(data, 65_536), data.length);
    assert.deepEqual(await s.getBytes(ZIP), data);
    assert.equal((await s.stat(ZIP))?.size, data.length);
    const read = await s.openRead(ZIP);
    assert.ok(read);
    assert.deepEqual(await readAll(read.stream), data);
  });

  storageTest('stores an empty stream of size 0', async (s) => {
    await s.putStream(ZIP, Readable.from([], { objectMode: false }), 0);
    assert.deepEqual(await s.getBytes(ZIP), Buffer.alloc(0));
    assert.equal((await s.stat(ZIP))?.size, 0);
  });

  storageTest('overwrites with a stream', async (s) => {
    await s.putBytes(ZIP, OLD);
    await s.putStream(ZIP, chunked(pattern(10)), 10);
    assert.deepEqual(await s.getBytes(ZIP), pattern(10));
  });

  storageTest('a short stream is refused and stores nothing', async (s) => {
    await assert.rejects(s.putStream('new/@v/v1.0.0.zip', chunked(pattern(99)), 100), isInternal);
    assert.deepEqual(await s.list(''), []);
    await s.putBytes(ZIP, OLD);
    await assert.rejects(s.putStream(ZIP, chunked(pattern(99)), 100), isInternal);
    await assertUntouched(s);
  });

  storageTest('a long stream is refused and stores nothing', async (s) => {
    await s.putBytes(ZIP, OLD);
    const source = chunked(pattern(101), 10);
    await assert.rejects(s.putStream(ZIP, source, 100), isInternal);
    assert.ok(source.destroyed, 'the source is destroyed');
    await assertUntouched(s);
    await assert.rejects(s.putStream(ZIP, chunked(pattern(1)), 0), isInternal);
    await assertUntouched(s);
  });

  storageTest('a stream error is rethrown unchanged and stores nothing', async (s) => {
    await s.putBytes(ZIP, OLD);
    const error = new Error('upstream connection reset');
    await assert.rejects(
      s.putStream(ZIP, failing(pattern(5000), error), 10_000),
      (e) => e === error,
    );
    await assertUntouched(s);
  });

  storageTest('an already aborted signal stores nothing and destroys the stream', async (s) => {
    await s.putBytes(ZIP, OLD);
    const reason = new Error('cancelled');
    const source = chunked(pattern(10));
    await assert.rejects(
      s.putStream(ZIP, source, 10, AbortSignal.abort(reason)),
      (e) => e === reason,
    );
    assert.ok(source.destroyed);
    await assertUntouched(s);
  });

  storageTest('an abort in the middle of a write stores nothing', async (s) => {
    await s.putBytes(ZIP, OLD);
    const controller = new AbortController();
    const source = manual();
    const put = s.putStream(ZIP, source, 100_000, controller.signal);
    source.write(pattern(50_000));
    await settle();
    const reason = new Error('client disconnected');
    controller.abort(reason);
    await assert.rejects(put, (e) => e === reason);
    assert.ok(source.destroyed);
    await assertUntouched(s);
  });

  storageTest('invalid sizes are refused', async (s) => {
    for (const size of [-1, 1.5, NaN, Infinity]) {
      const source = chunked(pattern(1));
      await assert.rejects(s.putStream(ZIP, source, size), isInvalid, String(size));
      assert.ok(source.destroyed);
    }
    assert.deepEqual(await s.list(''), []);
  });
}
