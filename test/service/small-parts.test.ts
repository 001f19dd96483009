import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Singleflight } from '../../src/async/index.js';
import { parseByteRange } from '../../src/service/byte-range.js';
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
