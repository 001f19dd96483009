import assert from 'node:assert/strict';
import { test } from 'node:test';
import { untilAborted } from '../../src/async/index.js';

test('untilAborted: the promise without a signal, its value or error while not aborted', async () => {
  assert.equal(await untilAborted(Promise.resolve(1), undefined), 1);
  const ac = new AbortController();
  assert.equal(await untilAborted(Promise.resolve(2), ac.signal), 2);
  await assert.rejects(untilAborted(Promise.reject(new Error('boom')), ac.signal), /boom/);
  await assert.rejects(
    untilAborted(Promise.reject('not an error' as unknown as Error), ac.signal),
    (err: unknown) => err instanceof Error && err.message === 'not an error',
  );
});

test('untilAborted: gives up at the abort with the mapped reason; the shared work runs on', async () => {
  let finish!: (v: string) => void;
  const shared = new Promise<string>((r) => (finish = r));
  const ac = new AbortController();
  const mine = untilAborted(shared, ac.signal, () => new Error('caller gave up'));
  const other = untilAborted(shared, new AbortController().signal);
  ac.abort(new Error('deadline'));
  await assert.rejects(mine, /caller gave up/);
  finish('done');
  assert.equal(await other, 'done');
  // Already aborted: rejected at once with the signal's reason by default.
  await assert.rejects(untilAborted(new Promise(() => undefined), ac.signal), /deadline/);
});
