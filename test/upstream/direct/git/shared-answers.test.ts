import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedAnswers } from '../../../../src/upstream/direct/git/shared-answers.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

test('SharedAnswers: one computation for concurrent callers, reused until ttl after settling', async () => {
  let now = 1000;
  let calls = 0;
  const pending = deferred<string>();
  const answers = new SharedAnswers<string>({
    ttlMs: 50,
    keepFailures: false,
    maxBytes: 1 << 20,
    now: () => now,
  });
  const compute = () => {
    calls++;
    return calls === 1 ? pending.promise : Promise.resolve(`answer ${calls}`);
  };
  const a = answers.get('k', compute);
  now += 1000; // a pending answer never expires
  const b = answers.get('k', compute);
  assert.equal(calls, 1);
  pending.resolve('answer 1');
  assert.equal(await a, 'answer 1');
  assert.equal(await b, 'answer 1');
  await tick();
  now += 49;
  assert.equal(await answers.get('k', compute), 'answer 1');
  now += 1; // age = ttl: expired
  assert.equal(await answers.get('k', compute), 'answer 2');
  assert.equal(await answers.get('other', compute), 'answer 3');
});

test('SharedAnswers: failures are reused only with keepFailures', async () => {
  for (const keepFailures of [true, false]) {
    let calls = 0;
    const answers = new SharedAnswers<string>({
      ttlMs: 50,
      keepFailures,
      maxBytes: 1 << 20,
      now: () => 0,
    });
    const compute = () => {
      calls++;
      return Promise.reject(new Error(`failure ${calls}`));
    };
    await assert.rejects(answers.get('k', compute), /failure 1/);
    await tick();
    await assert.rejects(answers.get('k', compute), keepFailures ? /failure 1/ : /failure 2/);
  }
});

test('SharedAnswers: prime replaces a settled answer, never a pending one', async () => {
  const now = 0;
  const answers = new SharedAnswers<string>({
    ttlMs: 50,
    keepFailures: true,
    maxBytes: 1 << 20,
    now: () => now,
  });
  const pending = deferred<string>();
  const first = answers.get('', () => pending.promise);
  answers.prime('', 'primed');
  pending.resolve('computed');
  assert.equal(await first, 'computed');
  await tick();
  assert.equal(await answers.get('', () => Promise.resolve('again')), 'computed');
  answers.prime('', 'primed');
  assert.equal(await answers.get('', () => Promise.resolve('again')), 'primed');
});

test('SharedAnswers: bounded by bytes, the least recently used answers make room', async () => {
  const answers = new SharedAnswers<number>({
    ttlMs: 1e9,
    keepFailures: false,
    maxBytes: 64 * 1024,
    now: () => 0,
  });
  for (let i = 0; i < 10_000; i++) await answers.get(`rev${i}`, () => Promise.resolve(i));
  await tick();
  // The newest is kept, the oldest was pushed out and is computed again.
  assert.equal(await answers.get('rev9999', () => Promise.resolve(-1)), 9999);
  assert.equal(await answers.get('rev0', () => Promise.resolve(-1)), -1);
});
