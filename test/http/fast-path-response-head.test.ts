import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerHeaders } from '../../src/http/answer-headers.js';
import { middlesEncoded, ResponseTail } from '../../src/http/fast-path/response-head.js';
import {
  generatedRequestId,
  nextRequestNumber,
  plainRequestId,
  requestIdFrom,
} from '../../src/http/request-id.js';
import type { Answer } from '../../src/service/answer.js';
import type { CachedAnswer } from '../../src/service/answer-cache.js';

/** The head as node:http writes it for answerHeaders(answer), up to the Date field. */
function expectedHead(answer: Answer, requestId: string): string {
  const h = answerHeaders(answer);
  let text = `HTTP/1.1 200 OK\r\nx-request-id: ${requestId}\r\n`;
  for (let i = 2; i < h.length; i += 2) text += `${h[i]}: ${h[i + 1]}\r\n`;
  return `${text}Date: `;
}

function headOf(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  return text.slice(0, text.indexOf('Date: ') + 'Date: '.length);
}

const body = Buffer.from('v1.0.0\nv1.1.0\n');
/** An `.info` answer as cached: immutable, a year's max-age. */
const immutableInfo: Answer = Object.freeze({
  status: 200,
  kind: 'info',
  body: Buffer.from('{"Version":"v1.0.0"}'),
  size: 20,
  cache: 'hit',
  maxAge: 31_536_000,
  immutable: true,
});
const list: Answer = Object.freeze({
  status: 200,
  kind: 'list',
  body,
  size: body.length,
  cache: 'hit',
  maxAge: 60,
  immutable: false,
});

test("a list's head carries each answer object's own max-age, counting down through a digit change", () => {
  const tail = new ResponseTail(5000);
  for (const maxAge of [60, 59, 10, 9, 0]) {
    const answer = Object.freeze({ ...list, maxAge });
    const bytes = tail.bytes(answer, 'req-1', 0, false, body);
    assert.equal(headOf(bytes), expectedHead(answer, 'req-1'));
    assert.ok(bytes.subarray(bytes.length - body.length).equals(body));
  }
});

test('the answer objects of one list copy share one encoded head (not one per second)', () => {
  const tail = new ResponseTail(5000);
  const copyBody = Buffer.from('v2.0.0\n');
  const before = middlesEncoded();
  for (let maxAge = 60; maxAge >= 1; maxAge--) {
    const answer = Object.freeze({ ...list, body: copyBody, size: copyBody.length, maxAge });
    tail.bytes(answer, 'req-2', 0, false, copyBody);
    tail.bytes(answer, 'req-3', 0, true, undefined);
  }
  assert.equal(middlesEncoded() - before, 1);
});

test('an answer that shares the body but not the other headers (a stale copy) gets its own head', () => {
  const tail = new ResponseTail(5000);
  const fresh = Object.freeze({ ...list, maxAge: 30 });
  const stale = Object.freeze({
    ...list,
    maxAge: 0,
    cache: 'stale' as const,
    staleReason: 'upstream 502',
  });
  assert.equal(headOf(tail.bytes(fresh, 'a', 0, false, body)), expectedHead(fresh, 'a'));
  assert.equal(headOf(tail.bytes(stale, 'b', 0, false, body)), expectedHead(stale, 'b'));
  assert.equal(headOf(tail.bytes(fresh, 'c', 0, false, body)), expectedHead(fresh, 'c'));
});

test('an immutable answer keeps its head per answer object', () => {
  const tail = new ResponseTail(0);
  const info: Answer = Object.freeze({ ...immutableInfo, etag: '"x"', lastModified: new Date(0) });
  const before = middlesEncoded();
  for (let i = 0; i < 3; i++) {
    assert.equal(headOf(tail.bytes(info, 'i', 0, false, info.body)), expectedHead(info, 'i'));
  }
  assert.equal(middlesEncoded() - before, 1);
});

test("a cached answer's head is kept on its cache entry, and serves the entry's next max-ages", () => {
  const tail = new ResponseTail(5000);
  const copyBody = Buffer.from('v3.0.0\n');
  const first = Object.freeze({ ...list, body: copyBody, size: copyBody.length, maxAge: 60 });
  const entry: { answer: Answer; memo: unknown } = { answer: first, memo: undefined };
  const before = middlesEncoded();
  assert.equal(headOf(tail.bytes(first, 'a', 0, false, copyBody, entry)), expectedHead(first, 'a'));
  assert.notEqual(entry.memo, undefined, 'kept on the entry');
  const kept = entry.memo;
  for (const maxAge of [59, 10, 9, 0]) {
    const answer = Object.freeze({ ...first, maxAge });
    entry.answer = answer;
    assert.equal(
      headOf(tail.bytes(answer, 'b', 0, false, copyBody, entry)),
      expectedHead(answer, 'b'),
    );
    assert.equal(entry.memo, kept);
  }
  assert.equal(middlesEncoded() - before, 1, 'encoded once for all the max-ages');
  // Another answer on the entry (not a max-age update): its own head.
  const stale = Object.freeze({ ...first, maxAge: 0, cache: 'stale' as const, staleReason: 'x' });
  entry.answer = stale;
  assert.equal(headOf(tail.bytes(stale, 'c', 0, false, copyBody, entry)), expectedHead(stale, 'c'));
  assert.notEqual(entry.memo, kept);
  // An immutable answer: its whole middle, once.
  const info = immutableInfo;
  const infoEntry: CachedAnswer = { answer: info, memo: undefined };
  const encoded = middlesEncoded();
  for (let i = 0; i < 3; i++) {
    const bytes = tail.bytes(info, 'i', 0, i === 2, info.body, infoEntry);
    assert.equal(headOf(bytes), expectedHead(info, 'i'));
  }
  assert.equal(middlesEncoded() - encoded, 1);
});

test('a generated request id is written as bytes, the same text as generatedRequestId', () => {
  const tail = new ResponseTail(5000);
  for (const n of [
    1,
    9,
    10,
    35,
    36,
    1295,
    1296,
    46_655,
    2 ** 40 + 7,
    Number.MAX_SAFE_INTEGER - 1,
  ]) {
    const id = generatedRequestId(n);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-z]+$/);
    assert.equal(id.slice(9), n.toString(36));
    for (const answer of [list, Object.freeze({ ...list, maxAge: 7 })]) {
      const bytes = tail.bytes(answer, undefined, n, false, body);
      assert.equal(headOf(bytes), expectedHead(answer, id));
      assert.ok(bytes.subarray(bytes.length - body.length).equals(body));
    }
  }
});

test('requestIdFrom: a plain client id as it is, else a new generated id each time', () => {
  assert.equal(requestIdFrom('ci-42'), 'ci-42');
  const a = requestIdFrom(undefined);
  const b = requestIdFrom('two, ids');
  assert.match(a, /^[0-9a-f]{8}-[0-9a-z]+$/);
  assert.match(b, /^[0-9a-f]{8}-[0-9a-z]+$/);
  assert.notEqual(a, b);
  assert.equal(plainRequestId('ci-42'), 'ci-42');
  assert.equal(plainRequestId('two, ids'), undefined);
  const n = nextRequestNumber();
  assert.equal(nextRequestNumber(), n + 1);
});

test("the Date field is the current second's, made again once that second is over", (t) => {
  // 2026-12-07 05:00:00.400 UTC: the tail's timer is due at the next second boundary.
  const start = Date.UTC(2026, 11, 7, 5, 0, 0, 400);
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: start });
  const tail = new ResponseTail(5000);
  const dateOf = (bytes: Buffer): string =>
    /\r\nDate: ([^\r]*)\r\n/.exec(bytes.toString())?.[1] ?? '';
  assert.equal(dateOf(tail.bytes(list, 'd', 0, false, body)), 'Mon, 07 Dec 2026 05:00:00 GMT');
  t.mock.timers.tick(599);
  assert.equal(dateOf(tail.bytes(list, 'd', 0, true, body)), 'Mon, 07 Dec 2026 05:00:00 GMT');
  t.mock.timers.tick(1);
  assert.equal(dateOf(tail.bytes(list, 'd', 0, false, body)), 'Mon, 07 Dec 2026 05:00:01 GMT');
  assert.equal(dateOf(tail.bytes(list, 'd', 0, true, body)), 'Mon, 07 Dec 2026 05:00:01 GMT');
  // No request for a while: the next one still gets its own second.
  t.mock.timers.tick(5_250);
  assert.equal(dateOf(tail.bytes(list, 'd', 0, false, body)), 'Mon, 07 Dec 2026 05:00:06 GMT');
  t.mock.timers.tick(750);
  assert.equal(dateOf(tail.bytes(list, 'd', 0, true, body)), 'Mon, 07 Dec 2026 05:00:07 GMT');
});
