import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnswerCache, REF_RECENCY_MS } from '../../src/service/answer-cache.js';

const body = (n: number): Buffer => Buffer.alloc(n, 0x61);

test('answer cache: at most maxBytes, keys and bookkeeping included; least recently used go', () => {
  const probe = new AnswerCache({ listTtlMs: 1000, now: () => 0 });
  probe.putImmutable('k00', 'mod', body(10));
  const one = probe.bytes;
  assert.ok(one > 10 + 2 * 'k00'.length, 'more than the body: key, answer, header memo');
  const cache = new AnswerCache({ listTtlMs: 1000, now: () => 0, maxBytes: 20 * one });
  for (let i = 10; i < 32; i++) cache.putImmutable(`k${i}`, 'mod', body(10));
  assert.equal(cache.size, 20);
  assert.equal(cache.fresh('k10'), undefined);
  assert.equal(cache.fresh('k11'), undefined);
  assert.ok(cache.fresh('k12') && cache.fresh('k31'));
  assert.equal(cache.bytes, 20 * one);
  // One answer over a sixteenth of the bound is not kept.
  cache.putImmutable('huge', 'zip', body(one));
  assert.equal(cache.fresh('huge'), undefined);
});

test('answer cache: the bound holds under 200,000 distinct long keys and empty bodies', () => {
  const maxBytes = 1024 * 1024;
  const cache = new AnswerCache({ listTtlMs: 60_000, now: () => 0, maxBytes });
  const key = (i: number): string => `example.com/${'k'.repeat(300)}/m${i}/@v/list`;
  for (let i = 0; i < 200_000; i++) {
    cache.putList(key(i), 'list', Buffer.alloc(0), 0);
    if (cache.bytes > maxBytes) assert.fail(`accounted ${cache.bytes} bytes after ${i + 1}`);
  }
  assert.ok(cache.size <= maxBytes / (2 * key(0).length), `${cache.size} entries`);
  assert.ok(cache.fresh(key(199_999)));
  assert.equal(cache.fresh(key(0)), undefined);
  // A small buffer cut from a shared pool slab is kept as a copy of its own bytes.
  const pooled = Buffer.from('v1.0.0\n');
  const kept = cache.putImmutable('pooled', 'mod', pooled).body;
  assert.deepEqual(kept, pooled);
  assert.equal(kept?.buffer.byteLength, pooled.byteLength);
});

test('answer cache: lists are fresh for the TTL; the max-age counts down; the copy outlives it', () => {
  let clock = 1_000_000;
  const cache = new AnswerCache({ listTtlMs: 10_000, now: () => clock });
  const first = cache.putList('l', 'list', body(5), clock);
  assert.equal(first?.maxAge, 10);
  assert.equal(first?.cache, 'hit');
  assert.equal(cache.fresh('l'), first, 'the same object while the max-age is the same');
  clock += 1;
  const later = cache.fresh('l');
  assert.equal(later?.maxAge, 9, 'whole seconds left');
  assert.notEqual(later, first, 'a new object once the max-age changed');
  assert.ok(Object.isFrozen(later));
  clock += 999;
  assert.equal(cache.fresh('l'), later);
  clock += 1;
  assert.equal(cache.fresh('l')?.maxAge, 8);
  clock += 8999 - 1;
  assert.equal(cache.fresh('l')?.maxAge, 0);
  clock += 1;
  assert.equal(cache.fresh('l'), undefined, 'not fresh at exactly the TTL');
  assert.deepEqual(cache.listCopy('l'), { body: body(5), fetchedAt: 1_000_000 });
  // A copy fetched too long ago is kept (as the stale copy) but not fresh.
  assert.equal(cache.putList('old', 'latest', body(3), clock - 10_000), undefined);
  assert.equal(cache.fresh('old'), undefined);
  assert.equal(cache.listCopy('old')?.fetchedAt, clock - 10_000);
});

test('answer cache: a reference answers as fresh(key), and looks again once its entry is gone', () => {
  let now = 0;
  const probe = new AnswerCache({ listTtlMs: 1000, now: () => now });
  probe.putImmutable('p', 'mod', body(10));
  const one = probe.bytes;
  const cache = new AnswerCache({ listTtlMs: 10_000, now: () => now, maxBytes: 32 * one });
  const ref = cache.ref('m');
  assert.equal(cache.freshVia(ref), undefined, 'nothing cached yet');
  const first = cache.putImmutable('m', 'mod', body(10));
  assert.equal(cache.freshVia(ref), first);
  assert.equal(cache.freshVia(ref), cache.fresh('m'));
  // Replaced: the reference finds the new answer, not the old one.
  const second = cache.putImmutable('m', 'mod', body(10));
  assert.notEqual(second, first);
  assert.equal(cache.freshVia(ref), second);
  // Deleted, then cleared: nothing.
  cache.forget('m');
  assert.equal(cache.freshVia(ref), undefined);
  cache.putImmutable('m', 'mod', body(10));
  assert.ok(cache.freshVia(ref));
  cache.clear();
  assert.equal(cache.freshVia(ref), undefined);
  // Evicted by newer entries: nothing (and the reference does not keep the answer).
  const third = cache.putImmutable('m', 'mod', body(10));
  assert.equal(cache.freshVia(ref), third);
  for (let i = 0; i < 40; i++) cache.putImmutable(`other${i}`, 'mod', body(10));
  assert.equal(cache.fresh('m'), undefined);
  assert.equal(cache.freshVia(ref), undefined);
  // A list through a reference: its max-age counts down and it expires, as with fresh(key).
  const list = cache.ref('l');
  cache.putList('l', 'list', Buffer.from('v1.0.0\n'), 0);
  assert.equal(cache.freshVia(list)?.maxAge, 10);
  now = 2500;
  assert.equal(cache.freshVia(list)?.maxAge, 7);
  assert.equal(cache.freshVia(list), cache.fresh('l'));
  now = 10_000;
  assert.equal(cache.freshVia(list), undefined);
  assert.equal(cache.fresh('l'), undefined);
});

test('answer cache: a hit through a reference marks its entry recently used once per recency epoch', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const probe = new AnswerCache({ listTtlMs: 1000, now: () => 0 });
  probe.putImmutable('k00', 'mod', body(10));
  // Room for 16 answers (one answer may take up to a sixteenth of the bound); keys of one length.
  const cache = new AnswerCache({ listTtlMs: 1000, now: () => 0, maxBytes: 16 * probe.bytes });
  const put = (prefix: string, n: number): void => {
    for (let i = 0; i < n; i++)
      cache.putImmutable(`${prefix}${String(i).padStart(2, '0')}`, 'mod', body(10));
  };
  put('k', 16);
  const ref = cache.ref('k00');
  assert.ok(cache.freshVia(ref), 'found by key: marked');
  put('n', 15); // k01-k15 go, older than k00
  assert.equal(cache.size, 16);
  assert.ok(cache.freshVia(ref), 'still held; the same epoch: not marked again');
  t.mock.timers.tick(REF_RECENCY_MS);
  assert.ok(cache.freshVia(ref), 'a new epoch: marked');
  put('m', 15); // n00-n14 go, not k00
  assert.ok(cache.freshVia(ref), 'kept: its hit in the new epoch marked it');
  put('x', 1); // k00 goes: not marked again since that hit
  assert.equal(cache.freshVia(ref), undefined);
});

test("answer cache: a caller's memo on an entry goes with the entry, and stays across max-age updates", () => {
  let now = 0;
  const cache = new AnswerCache({ listTtlMs: 10_000, now: () => now });
  const ref = cache.ref('l');
  cache.putList('l', 'list', Buffer.from('v1.0.0\n'), 0);
  const first = cache.freshVia(ref);
  const entry = ref.entry;
  assert.ok(first !== undefined && entry !== undefined && entry.answer === first);
  entry.memo = 'head';
  now = 2500;
  const later = cache.freshVia(ref);
  assert.notEqual(later, first, 'a new answer object for the new max-age');
  assert.equal(entry.answer, later);
  assert.equal(entry.memo, 'head', 'the memo stays on the entry (its user checks it)');
  // Replaced, the old entry keeps nothing; the new one starts without a memo.
  cache.putList('l', 'list', Buffer.from('v1.0.0\nv1.1.0\n'), now);
  assert.equal(entry.memo, undefined);
  assert.notEqual(entry.answer.body, later?.body, "the old entry no longer holds the list's body");
  cache.freshVia(ref);
  assert.notEqual(ref.entry, entry);
  assert.equal(ref.entry?.memo, undefined);
});
