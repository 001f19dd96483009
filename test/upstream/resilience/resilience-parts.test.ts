import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import { fullJitterBackoff } from '../../../src/upstream/full-jitter-backoff.js';
import { isTransientFailure } from '../../../src/upstream/transient-failure.js';

test('isTransientFailure: timeouts, transport failures and 5xx only', () => {
  const cases: [unknown, boolean][] = [
    [new ModgateError('timeout', 'x: timed out'), true],
    [
      new ModgateError('upstream', 'x: connection refused', { cause: new Error('ECONNREFUSED') }),
      true,
    ],
    [new ModgateError('upstream', 'https://p.example: m/@v/list: 500'), true],
    [new ModgateError('upstream', 'https://p.example: m/@v/list: 503: busy: 404'), true],
    [new ModgateError('upstream', 'https://p.example:5000: 500px.com/x/@v/list: 502'), true],
    [
      new ModgateError('upstream', 'https://p.example: m/@v/list: 403: upstream said 503: no'),
      false,
    ],
    [new ModgateError('upstream', 'https://p.example:5000: 500px.com/x/@v/list: 429'), false],
    [
      new ModgateError(
        'upstream',
        'https://p.example: m/@v/list: the upstream answer is not a version list',
      ),
      false,
    ],
    [new ModgateError('not-found', 'm: 404'), false],
    [new ModgateError('gone', 'm: 410'), false],
    [new ModgateError('checksum', 'mismatch', { cause: new Error('x') }), false],
    [new ModgateError('too-large', 'big'), false],
    [new ModgateError('unavailable', 'shutting down'), false],
    [new Error('a bug'), false],
  ];
  for (const [err, want] of cases) assert.equal(isTransientFailure(err), want, String(err));
});

test('fullJitterBackoff: a random share of a doubling ceiling, capped', () => {
  const delays = (random: number, cap?: number): number[] => {
    const factory = fullJitterBackoff({
      initialDelayMs: 100,
      maxDelayMs: 1000,
      random: () => random,
      ...(cap === undefined ? {} : { capMs: () => cap }),
    });
    const out: number[] = [];
    let b = factory.next(undefined);
    for (let i = 0; i < 6; i++) {
      out.push(b.duration);
      b = b.next(undefined);
    }
    return out;
  };
  assert.deepEqual(delays(0.999999), [99, 199, 399, 799, 999, 999]);
  assert.deepEqual(delays(0.5), [50, 100, 200, 400, 500, 500]);
  assert.deepEqual(delays(0), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(delays(0.5, 150), [50, 100, 150, 150, 150, 150]);
});
