import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatGoTimestamp,
  formatIndexLine,
  parseIndexLine,
  parseIndexQuery,
  parseRfc3339,
} from '../../src/protocol/index-feed.js';

test('timestamps print as Go prints a time.Time in JSON (RFC3339Nano, UTC, zeros trimmed)', () => {
  // The first line of index.golang.org, as it serves it.
  const ns = parseRfc3339('2019-04-10T19:08:52.997264Z');
  assert.equal(ns, 1554923332997264000n);
  assert.equal(formatGoTimestamp(1554923332997264000n), '2019-04-10T19:08:52.997264Z');
  assert.equal(formatGoTimestamp(1554923332000000000n), '2019-04-10T19:08:52Z');
  assert.equal(formatGoTimestamp(1554923332000000001n), '2019-04-10T19:08:52.000000001Z');
  assert.equal(formatGoTimestamp(1554923332100000000n), '2019-04-10T19:08:52.1Z');
});

test('RFC 3339 times: offsets, nanoseconds, and what is not one', () => {
  assert.equal(parseRfc3339('2019-04-10T21:08:52.997264+02:00'), 1554923332997264000n);
  assert.equal(parseRfc3339('1970-01-01T00:00:00Z'), 0n);
  // Years 0–99 are those years (Date.UTC would have made 0050 into 1950).
  const year50 = BigInt(new Date('0050-03-01T00:00:00Z').getTime()) * 1_000_000n;
  assert.equal(parseRfc3339('0050-03-01T00:00:00Z'), year50);
  for (const bad of [
    '2019-04-10',
    '2019-04-10T19:08:52',
    '2019-02-30T00:00:00Z',
    '2019-04-10T24:00:00Z',
    '2019-04-10T19:08:52.1234567891Z',
    'yesterday',
  ]) {
    assert.equal(parseRfc3339(bad), undefined, bad);
  }
});

test('a line has Go field names in Go order, and reads back', () => {
  const e = { path: 'golang.org/x/text', version: 'v0.3.0', timestampNs: 1554923332997264000n };
  const line = formatIndexLine(e);
  assert.equal(
    line,
    '{"Path":"golang.org/x/text","Version":"v0.3.0","Timestamp":"2019-04-10T19:08:52.997264Z"}\n',
  );
  assert.deepEqual(parseIndexLine(line), e);
  assert.equal(parseIndexLine('{"Path":"x"}'), undefined);
  assert.equal(parseIndexLine('not json'), undefined);
});

test('the query: since (inclusive, default the epoch), limit (default and max 2000)', () => {
  const q = (s: string): ReturnType<typeof parseIndexQuery> =>
    parseIndexQuery(new URLSearchParams(s));
  assert.deepEqual(q(''), { ok: true, sinceNs: 0n, limit: 2000 });
  assert.deepEqual(q('since=2019-04-10T19:08:52.997264Z&limit=10'), {
    ok: true,
    sinceNs: 1554923332997264000n,
    limit: 10,
  });
  assert.deepEqual(q('limit=5000'), { ok: true, sinceNs: 0n, limit: 2000 });
  assert.deepEqual(q('limit=0'), { ok: true, sinceNs: 0n, limit: 2000 });
  const bad = q('since=yesterday');
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.problem, /since=yesterday: not an RFC 3339 time/);
  assert.equal(q('limit=-1').ok, false);
  assert.equal(q('limit=ten').ok, false);
});
