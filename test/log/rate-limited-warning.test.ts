import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { pino } from 'pino';
import { RateLimitedWarning } from '../../src/log/rate-limited-warning.js';

let text = '';
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  }),
);
const lines = (): { level: number; msg: string; client?: string; refused?: number }[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { level: number; msg: string; client?: string; refused?: number });

beforeEach(() => {
  text = '';
  mock.timers.enable({ apis: ['setTimeout'] });
});
afterEach(() => mock.timers.reset());

test('a flood of events makes one line per interval, each with its count', () => {
  const w = new RateLimitedWarning(logger, 'connections refused', 'refused', 10_000);
  w.note({ client: 'a' });
  assert.deepEqual(
    lines().map((l) => [l.level, l.msg, l.client, l.refused]),
    [[40, 'connections refused', 'a', 1]],
  );
  for (let i = 0; i < 500; i++) w.note({ client: i % 2 === 0 ? 'b' : 'c' });
  assert.equal(lines().length, 1);
  mock.timers.tick(9_999);
  assert.equal(lines().length, 1);
  mock.timers.tick(1);
  assert.deepEqual(lines()[1], { ...lines()[1], client: 'c', refused: 500 });
  // Still flooding: the next interval reports its own count.
  for (let i = 0; i < 7; i++) w.note({ client: 'd' });
  mock.timers.tick(10_000);
  assert.deepEqual(
    lines().map((l) => l.refused),
    [1, 500, 7],
  );
  // A quiet interval ends the flood: the next event is written at once.
  mock.timers.tick(10_000);
  assert.equal(lines().length, 3);
  mock.timers.tick(60_000);
  w.note({ client: 'e' });
  assert.deepEqual(
    lines().map((l) => [l.client, l.refused]),
    [
      ['a', 1],
      ['c', 500],
      ['d', 7],
      ['e', 1],
    ],
  );
  w.close();
});

test('close writes what is counted and not written yet, once', () => {
  const w = new RateLimitedWarning(logger, 'refused', 'refused', 10_000);
  w.note({ client: 'a' });
  w.note({ client: 'b' });
  w.note({ client: 'b' });
  w.close();
  w.close();
  mock.timers.tick(20_000);
  assert.deepEqual(
    lines().map((l) => [l.client, l.refused]),
    [
      ['a', 1],
      ['b', 2],
    ],
  );
});
