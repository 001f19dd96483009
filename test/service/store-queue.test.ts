import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreQueue } from '../../src/service/store-queue.js';

// Issue 9 item 6: stores behind answers wait until the service has been quiet (no miss for
// quietMs), at most maxDelayMs; they run at once past maxPendingBytes, for a file someone
// needs stored (hurry), and on settle. Meanwhile the bytes are readable (bytesOf).

const HOUR = 3_600_000;
const tick = () => new Promise((resolve) => setImmediate(resolve));

function recorder() {
  const puts: string[] = [];
  return { puts, put: (key: string) => (puts.push(key), Promise.resolve()) };
}

test('store queue: nothing is stored while the service is busy; hurry and settle store now', async () => {
  const { puts, put } = recorder();
  const q = new StoreQueue({ put, quietMs: HOUR, maxDelayMs: HOUR });
  q.noteActivity();
  q.add('a.mod', Buffer.from('a'));
  q.add('b.info', Buffer.from('b'));
  q.add('a.mod', Buffer.from('other')); // already pending: left alone
  await tick();
  assert.deepEqual(puts, []);
  assert.deepEqual(q.bytesOf('a.mod'), Buffer.from('a'));
  await q.hurry('b.info');
  assert.deepEqual(puts, ['b.info'], 'only the hurried file');
  assert.equal(q.bytesOf('b.info'), undefined);
  await q.settle();
  assert.deepEqual(puts, ['b.info', 'a.mod']);
  assert.equal(q.bytesOf('a.mod'), undefined);
});

test('store queue: with no miss seen, or once quiet, stores run', async () => {
  {
    const { puts, put } = recorder();
    const q = new StoreQueue({ put, quietMs: HOUR, maxDelayMs: HOUR });
    q.add('a.mod', Buffer.from('a'));
    await q.stored('a.mod');
    assert.deepEqual(puts, ['a.mod']);
  }
  {
    const { puts, put } = recorder();
    let now = 0;
    const q = new StoreQueue({ put, quietMs: 5, maxDelayMs: HOUR, now: () => now });
    q.noteActivity();
    q.add('a.mod', Buffer.from('a'));
    await tick();
    assert.deepEqual(puts, [], 'waits for quiet');
    now = 10; // quiet since 10 ms on the queue's clock; its timer sees it when it fires
    await q.stored('a.mod');
    assert.deepEqual(puts, ['a.mod']);
  }
  {
    const { puts, put } = recorder();
    let now = 0;
    const q = new StoreQueue({ put, quietMs: HOUR, maxDelayMs: 5, now: () => now });
    q.noteActivity();
    q.add('a.mod', Buffer.from('a'));
    await tick();
    assert.deepEqual(puts, []);
    now = 10; // busy all along, but waited maxDelayMs
    q.noteActivity();
    await q.stored('a.mod');
    assert.deepEqual(puts, ['a.mod']);
  }
});

test('store queue: past maxPendingBytes stores run at once; failures are reported and forgotten', async () => {
  const puts: string[] = [];
  const failures: string[] = [];
  const q = new StoreQueue({
    put: (key) => {
      puts.push(key);
      return key === 'bad.mod' ? Promise.reject(new Error('disk full')) : Promise.resolve();
    },
    onError: (key) => failures.push(key),
    quietMs: HOUR,
    maxDelayMs: HOUR,
    maxPendingBytes: 10,
  });
  q.noteActivity();
  q.add('bad.mod', Buffer.alloc(4));
  await tick();
  assert.deepEqual(puts, []);
  q.add('big.zip', Buffer.alloc(8)); // 12 bytes pending
  await q.stored('big.zip');
  await q.stored('bad.mod');
  assert.deepEqual(puts.sort(), ['bad.mod', 'big.zip']);
  assert.deepEqual(failures, ['bad.mod']);
  assert.equal(q.bytesOf('bad.mod'), undefined);
});

test('store queue: hurrying a store already running leaves the others waiting for quiet', async () => {
  const puts: string[] = [];
  let finish = (): void => undefined;
  const q = new StoreQueue({
    put: (key) => {
      puts.push(key);
      return key === 'a.mod'
        ? new Promise<void>((resolve) => (finish = resolve))
        : Promise.resolve();
    },
    quietMs: HOUR,
    maxDelayMs: HOUR,
  });
  q.noteActivity();
  q.add('a.mod', Buffer.from('a'));
  q.add('b.mod', Buffer.from('b'));
  const first = q.hurry('a.mod');
  await tick();
  assert.deepEqual(puts, ['a.mod']);
  const again = q.hurry('a.mod'); // running: nothing more to hurry
  finish();
  await Promise.all([first, again]);
  await tick();
  assert.deepEqual(puts, ['a.mod'], 'b.mod still waits for quiet');
  await q.hurry('b.mod');
  assert.deepEqual(puts, ['a.mod', 'b.mod']);
});
