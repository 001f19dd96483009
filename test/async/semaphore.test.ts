import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Semaphore } from '../../src/async/index.js';

test('Semaphore.run runs at most `limit` tasks at once, all of them, failures included, each releasing its slot', async () => {
  const semaphore = new Semaphore(3);
  let running = 0;
  let peak = 0;
  const gates: (() => void)[] = [];
  const task = (i: number) => async (): Promise<number> => {
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => gates.push(resolve));
    running--;
    if (i === 4) throw new Error('task 4 failed');
    return i;
  };
  const settled = Promise.allSettled(Array.from({ length: 10 }, (_, i) => semaphore.run(task(i))));
  // Release the gates one by one as tasks arrive; each release lets one waiter start.
  let released = 0;
  while (released < 10) {
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(running <= 3);
    const next = gates.shift();
    if (next) {
      next();
      released++;
    }
  }
  const results = await settled;
  assert.equal(peak, 3);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed')),
    [0, 1, 2, 3, 'failed', 5, 6, 7, 8, 9],
  );
  assert.throws(() => new Semaphore(0), RangeError);
});
