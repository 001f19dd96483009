import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { ModgateError, errorKind } from '../../../src/errors/index.js';
import { statusForError } from '../../../src/http/status-for-error.js';
import { ChainUpstream } from '../../../src/upstream/chain-upstream.js';
import {
  ResilientUpstream,
  type ResilienceSettings,
  type ResilientUpstreamOptions,
} from '../../../src/upstream/resilient-upstream.js';
import {
  ManualClock,
  RecordingObserver,
  ScriptedUpstream,
  gate,
  type Step,
} from './scripted-upstream.js';

const NO_LIMITS: ResilienceSettings = {
  retries: 0,
  retryInitialDelayMs: 0,
  retryMaxDelayMs: 0,
  breakerFailures: 0,
  breakerCooldownMs: 30_000,
  maxConcurrentFetches: 0,
  maxQueuedFetches: 0,
};

const http503 = (): ModgateError =>
  new ModgateError('upstream', 'https://a.example: m/@v/list: 503: down for maintenance');
const reset = (): ModgateError =>
  new ModgateError('upstream', 'https://a.example: m/@v/list: connection reset (ECONNRESET)', {
    cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
  });
const timedOut = (): ModgateError =>
  new ModgateError('timeout', 'https://a.example: m/@v/list: timed out');
const notFound = (): ModgateError => new ModgateError('not-found', 'm/@v/list: 404');

function build(
  script: Step[],
  settings: Partial<ResilienceSettings>,
  extra: Partial<ResilientUpstreamOptions> = {},
): { inner: ScriptedUpstream; up: ResilientUpstream; observer: RecordingObserver } {
  const inner = new ScriptedUpstream(script);
  const observer = new RecordingObserver();
  const up = new ResilientUpstream(inner, {
    label: 'https://a.example',
    settings: { ...NO_LIMITS, ...settings },
    observer,
    random: () => 0,
    ...extra,
  });
  return { inner, up, observer };
}

test('transient failures (5xx, connection errors) are retried up to `retries` times', async () => {
  const { inner, up, observer } = build([http503(), reset(), 'ok'], { retries: 2 });
  assert.deepEqual(await up.list('m', {}), ['v1.0.0']);
  assert.equal(inner.calls, 3);
  assert.equal(observer.count('retry https://a.example list'), 2);
  assert.deepEqual(
    observer.events.filter((e) => e.startsWith('attempt')),
    [
      'attempt https://a.example list error',
      'attempt https://a.example list error',
      'attempt https://a.example list ok',
    ],
  );

  const { inner: inner2, up: up2 } = build([http503()], { retries: 2 });
  await assert.rejects(up2.list('m', {}), /503: down for maintenance \(3 attempts\)/);
  assert.equal(inner2.calls, 3);
});

test('answers and refusals are never retried', async () => {
  const refusals = [
    notFound(),
    new ModgateError('gone', 'm/@v/list: 410'),
    new ModgateError('upstream', 'https://a.example: m@v1.0.0.info: invalid .info JSON'),
    new ModgateError('upstream', 'https://a.example: m/@v/list: 403: forbidden'),
    new ModgateError('checksum', 'm@v1.0.0: checksum mismatch'),
    new ModgateError('too-large', 'm@v1.0.0.zip: zip larger than 500 bytes'),
    new ModgateError('forbidden', 'not allowed'),
  ];
  for (const err of refusals) {
    const { inner, up, observer } = build([err, 'ok'], { retries: 3 });
    await assert.rejects(up.list('m', {}), (e) => e === err, err.message);
    assert.equal(inner.calls, 1, err.message);
    assert.equal(observer.count('retry'), 0);
  }
});

test('timeouts are retried only within a known deadline, which bounds every retry', async () => {
  // No deadline known (direct): a timeout is not retried.
  const direct = build([timedOut(), 'ok'], { retries: 2 });
  await assert.rejects(direct.up.list('m', {}), /timed out/);
  assert.equal(direct.inner.calls, 1);
  // ... while other transient failures are, with the caller's own context (no deadline of ours).
  const directReset = build([reset(), 'ok'], { retries: 2 });
  assert.deepEqual(await directReset.up.list('m', {}), ['v1.0.0']);
  assert.deepEqual(directReset.inner.signals, [undefined, undefined]);

  // A 30 s deadline: the first attempt took 10 s, the retry gets the 20 s left.
  const clock = new ManualClock();
  const within = build(
    [timedOut(), 'ok'],
    { retries: 2 },
    { now: clock.now, deadlineMs: () => 30_000 },
  );
  within.inner.onCall = () => clock.advance(10_000);
  assert.deepEqual(await within.up.list('m', {}), ['v1.0.0']);
  assert.equal(within.inner.calls, 2);
  assert.equal(within.inner.signals[0], undefined, 'the first attempt keeps its own timeout');
  assert.ok(within.inner.signals[1] instanceof AbortSignal, 'a retry ends at the deadline');

  // An attempt that used the whole deadline (a hanging upstream) is not retried.
  const spent = build(
    [timedOut(), 'ok'],
    { retries: 2 },
    { now: clock.now, deadlineMs: () => 30_000 },
  );
  spent.inner.onCall = () => clock.advance(30_000);
  await assert.rejects(spent.up.list('m', {}), /timed out/);
  assert.equal(spent.inner.calls, 1);
});

test('a retry that reaches the deadline ends there, reporting the upstream failure', async () => {
  // The retry hangs: the deadline (1 ms left) aborts it and the error is the first failure's.
  const clock = new ManualClock();
  const { inner, up } = build(
    [reset(), 'hang'],
    { retries: 1 },
    { now: clock.now, deadlineMs: () => 1 },
  );
  await assert.rejects(up.list('m', {}), /connection reset \(ECONNRESET\) \(2 attempts\)/);
  assert.equal(inner.calls, 2);
});

test(
  "the caller's abort ends the call during a backoff delay and stops retries",
  { timeout: 60_000 },
  async () => {
    // A one-hour backoff: the call must end when the signal aborts, not after the delay.
    const { inner, up } = build(
      [http503()],
      {
        retries: 5,
        retryInitialDelayMs: 3_600_000,
        retryMaxDelayMs: 3_600_000,
      },
      { random: () => 0.99 },
    );
    const controller = new AbortController();
    const call = up.list('m', { signal: controller.signal });
    while (inner.calls === 0) await new Promise((r) => setImmediate(r));
    controller.abort(new ModgateError('unavailable', 'modgate is shutting down'));
    await assert.rejects(call, /shutting down/);
    assert.equal(inner.calls, 1);
  },
);

test('the breaker opens after consecutive failures and then fails at once without calling', async () => {
  const clock = new ManualClock();
  const { inner, up, observer } = build(
    [http503()],
    { breakerFailures: 3, breakerCooldownMs: 30_000 },
    { now: clock.now },
  );
  for (let i = 0; i < 3; i++) await assert.rejects(up.list('m', {}), /503/);
  assert.equal(inner.calls, 3);
  assert.equal(up.health().state, 'open');
  assert.match(up.health().lastError ?? '', /503: down for maintenance/);
  clock.advance(1_000);
  await assert.rejects(up.list('m', {}), (err) => {
    assert.equal(errorKind(err), 'upstream');
    assert.equal(statusForError(err), 502);
    assert.match(
      (err as Error).message,
      /^upstream https:\/\/a\.example: circuit breaker open after 3 consecutive failures \(last: .*503.*\); retrying in 29s$/,
    );
    return true;
  });
  assert.equal(inner.calls, 3, 'an open breaker does not call the upstream');
  assert.deepEqual(
    observer.events.filter((e) => e.startsWith('breaker')),
    ['breaker https://a.example closed', 'breaker https://a.example open'],
  );
  assert.equal(observer.count('attempt https://a.example list rejected'), 1);
});

test('after the cool-down one probe goes through: success closes, failure reopens', async () => {
  const clock = new ManualClock();
  const probe = gate();
  const { inner, up, observer } = build(
    [http503(), http503(), { wait: probe.wait }, http503(), http503(), http503()],
    { breakerFailures: 2, breakerCooldownMs: 30_000 },
    { now: clock.now },
  );
  await assert.rejects(up.list('m', {}));
  await assert.rejects(up.list('m', {}));
  assert.equal(up.health().state, 'open');
  clock.advance(30_000);
  const probing = up.list('m', {});
  assert.equal(up.health().state, 'half_open');
  // While the probe is in flight, other calls do not wait for it.
  await assert.rejects(up.list('m', {}), /circuit breaker open .*a probe is in flight/);
  assert.equal(inner.calls, 3);
  probe.open();
  assert.deepEqual(await probing, ['v1.0.0']);
  assert.equal(up.health().state, 'closed');
  assert.equal(up.health().lastError, undefined);

  // Failing again: opens after 2, and a failed probe opens it for another cool-down.
  await assert.rejects(up.list('m', {}));
  await assert.rejects(up.list('m', {}));
  clock.advance(30_000);
  await assert.rejects(up.list('m', {}), /503/);
  assert.equal(up.health().state, 'open');
  await assert.rejects(up.list('m', {}), /retrying in 30s/);
  assert.equal(inner.calls, 6);
  assert.deepEqual(
    observer.events.filter((e) => e.startsWith('breaker')).map((e) => e.split(' ')[2]),
    ['closed', 'open', 'half_open', 'closed', 'open', 'half_open', 'open'],
  );
});

test('not-found is a success for the breaker; refused content and aborts count as nothing', async () => {
  const bad = new ModgateError('upstream', 'https://a.example: m@v1.0.0.info: invalid .info JSON');
  const { up } = build([http503(), notFound(), http503(), bad, bad, bad, http503()], {
    breakerFailures: 2,
  });
  for (let i = 0; i < 7; i++) await assert.rejects(up.list('m', {}));
  // 503, not-found (reset), 503, three refusals (not counted), 503: the second in a row.
  assert.equal(up.health().state, 'open');

  const aborted = build(['hang'], { breakerFailures: 1 });
  const controller = new AbortController();
  const call = aborted.up.list('m', { signal: controller.signal });
  controller.abort(new ModgateError('timeout', 'client went away'));
  await assert.rejects(call, /client went away/);
  assert.equal(
    aborted.up.health().state,
    'closed',
    "the caller's abort is not the upstream's failure",
  );
  await new Promise((resolve) => setImmediate(resolve)); // the abandoned attempt settles
  assert.equal(aborted.inner.calls, 1);
  assert.deepEqual(
    aborted.observer.events.filter((e) => e.startsWith('attempt')),
    [],
    'nor is it reported as a timeout or error of the upstream (modgate_upstream_requests_total)',
  );
});

test('retries stop once the breaker opens', async () => {
  const { inner, up, observer } = build([http503()], { retries: 5, breakerFailures: 2 });
  await assert.rejects(up.list('m', {}), /circuit breaker open/);
  assert.equal(inner.calls, 2);
  assert.equal(observer.count('retry'), 2);
});

test('the bulkhead bounds calls in flight and waiting; beyond, 503 at once', async () => {
  const first = gate();
  const { inner, up, observer } = build([{ wait: first.wait }, 'ok'], {
    maxConcurrentFetches: 1,
    maxQueuedFetches: 1,
  });
  const a = up.list('m', {});
  const b = up.list('m', {});
  await assert.rejects(up.list('m', {}), (err) => {
    assert.equal(statusForError(err), 503);
    assert.match((err as Error).message, /too many requests at once \(1 in flight, 1 waiting\)/);
    return true;
  });
  assert.equal(inner.calls, 1);
  assert.ok(observer.events.includes('queued https://a.example 1'));
  assert.equal(observer.count('rejected https://a.example'), 1);
  assert.equal(observer.count('attempt https://a.example list rejected'), 1);
  first.open();
  assert.deepEqual(await a, ['v1.0.0']);
  assert.deepEqual(await b, ['v1.0.0']);
  assert.equal(inner.calls, 2);
  assert.equal(observer.events.at(-2), 'queued https://a.example 0');
});

test('a zip keeps its bulkhead slot until its body is read', async () => {
  const { inner, up } = build(['ok'], { maxConcurrentFetches: 1, maxQueuedFetches: 0 });
  const source = await up.zip('m', 'v1.0.0', {});
  await assert.rejects(up.list('m', {}), /too many requests at once/);
  const chunks: Buffer[] = [];
  for await (const chunk of source.stream as AsyncIterable<Buffer>) chunks.push(chunk);
  assert.equal(Buffer.concat(chunks).toString(), 'zip bytes');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(await up.list('m', {}), ['v1.0.0']);
  assert.equal(inner.calls, 2);
});

test('in a chain: an open breaker sends `|` on at once and answers `,` with 502', async () => {
  const { inner: dead, up: deadUp } = build([http503()], { breakerFailures: 1 });
  await assert.rejects(deadUp.list('m', {}));
  const good = new ScriptedUpstream(['ok'], 'https://good.example');
  assert.deepEqual(
    await new ChainUpstream([
      { upstream: deadUp, fallbackOnAnyError: true },
      { upstream: good, fallbackOnAnyError: false },
    ]).list('m', {}),
    ['v1.0.0'],
  );
  assert.equal(dead.calls, 1);
  assert.equal(good.calls, 1);
  await assert.rejects(
    new ChainUpstream([
      { upstream: deadUp, fallbackOnAnyError: false },
      { upstream: good, fallbackOnAnyError: false },
    ]).list('m', {}),
    (err) => statusForError(err) === 502 && /circuit breaker open/.test((err as Error).message),
  );
  assert.equal(dead.calls, 1);
  assert.equal(good.calls, 1);
});

test("a zip body cut short counts for the breaker; a refused one (or the caller's abort) does not", async () => {
  const { inner, up } = build(['ok'], { breakerFailures: 2, maxConcurrentFetches: 1 });
  const cut = (): Readable =>
    new Readable({
      read() {
        this.push(Buffer.from('zip b'));
        this.destroy(reset());
      },
    });
  const drain = async (stream: Readable): Promise<void> => {
    for await (const chunk of stream as AsyncIterable<Buffer>) void chunk;
  };
  inner.zipBody = cut;
  await assert.rejects(drain((await up.zip('m', 'v1.0.0', {})).stream), /ECONNRESET/);
  assert.equal(up.health().state, 'closed');
  inner.zipBody = () =>
    new Readable({
      read() {
        this.destroy(new ModgateError('checksum', 'm@v1.0.0: checksum mismatch'));
      },
    });
  await assert.rejects(drain((await up.zip('m', 'v1.0.0', {})).stream), /checksum/);
  assert.equal(up.health().state, 'closed', 'content refused is not an upstream failure');
  inner.zipBody = cut;
  await assert.rejects(drain((await up.zip('m', 'v1.0.0', {})).stream), /ECONNRESET/);
  assert.equal(up.health().state, 'open', 'the second body cut short in a row opens it');
  assert.match(up.health().lastError ?? '', /ECONNRESET/);
  await assert.rejects(up.zip('m', 'v1.0.0', {}), /circuit breaker open/);
});

test('health: the last transient failure until an answer, with or without a breaker', async () => {
  const { up } = build([http503(), notFound(), reset(), 'ok'], {});
  assert.deepEqual(up.health(), { upstream: 'https://a.example', state: 'closed' });
  await assert.rejects(up.list('m', {}));
  assert.match(up.health().lastError ?? '', /503/);
  await assert.rejects(up.list('m', {}));
  assert.equal(up.health().lastError, undefined, 'not found is an answer');
  await assert.rejects(up.list('m', {}));
  assert.match(up.health().lastError ?? '', /ECONNRESET/);
  await up.list('m', {});
  assert.equal(up.health().lastError, undefined);
});

test('an attempt cut by shutdown is one failed attempt, not also a rejected one', async () => {
  const shutdown = new ModgateError('unavailable', 'modgate is shutting down');
  const { up, observer } = build([shutdown], { maxConcurrentFetches: 2, breakerFailures: 3 });
  await assert.rejects(up.list('m', {}), /shutting down/);
  assert.deepEqual(
    observer.events.filter((e) => e.startsWith('attempt')),
    ['attempt https://a.example list error'],
  );
});

test("a retried zip's body still follows the caller's signal after its answer started", async () => {
  const clock = new ManualClock();
  const { inner, up } = build(
    [reset(), 'ok'],
    { retries: 1 },
    { now: clock.now, deadlineMs: () => 30_000 },
  );
  const controller = new AbortController();
  const source = await up.zip('m', 'v1.0.0', { signal: controller.signal });
  const used = inner.signals[1];
  assert.ok(used instanceof AbortSignal);
  assert.equal(used.aborted, false);
  controller.abort(new ModgateError('unavailable', 'modgate is shutting down'));
  assert.equal(used.aborted, true, 'the abort reaches the body being read');
  source.stream.destroy();
});
