import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from '../../src/http/rate-limit.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { startModgate } from '../support/modgate-instance.js';
import { rawRequest } from '../support/raw-request.js';

test('RateLimiter: a token bucket per client, refilled at the rate, Retry-After rounded up', () => {
  let now = 0;
  const limiter = new RateLimiter({ requestsPerSecond: 2, burst: 3, now: () => now });
  // The burst, then refusals saying when a token is back (0.5 s at 2/s: 1 s rounded up).
  assert.deepEqual(
    [1, 2, 3, 4].map(() => limiter.take('a')),
    [0, 0, 0, 1],
  );
  assert.equal(limiter.take('b'), 0, 'each client has its own bucket');
  now += 499;
  assert.equal(limiter.take('a'), 1);
  now += 1;
  assert.equal(limiter.take('a'), 0, 'one token after 0.5 s');
  now += 10_000;
  assert.deepEqual(
    [1, 2, 3, 4].map(() => limiter.take('a')),
    [0, 0, 0, 1],
    'full, never above burst',
  );

  const slow = new RateLimiter({ requestsPerSecond: 0.1, burst: 1, now: () => now });
  assert.equal(slow.take('c'), 0);
  assert.equal(slow.take('c'), 10, 'ten seconds for a token at 0.1/s');
  now += 2_500;
  assert.equal(slow.take('c'), 8, '7.5 s left: 8');
});

test('RateLimiter: the buckets are bounded by memory; a forgotten client starts full', () => {
  const now = 0;
  const limiter = new RateLimiter({
    requestsPerSecond: 1,
    burst: 1,
    maxBytes: 2000,
    now: () => now,
  });
  assert.equal(limiter.take('client-0'), 0);
  assert.equal(limiter.take('client-0'), 1);
  for (let i = 1; i < 200; i++) limiter.take(`client-${i}`);
  assert.equal(limiter.take('client-0'), 0, 'evicted under pressure: served again');
});

test('serve: over the limit every route answers 429 with Retry-After and a text body', async () => {
  const good = await FixtureProxy.create([{ path: 'example.com/m', version: 'v1.0.0' }]);
  const modgate = await startModgate({
    upstream: good.url,
    settings: { 'rate_limit.requests_per_second': 0.01, 'rate_limit.burst': 3 },
  });
  try {
    // A miss, then the same file cached (what the fast path would answer), then /healthz.
    assert.equal((await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.info')).status, 200);
    assert.equal((await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.info')).status, 200);
    assert.equal((await rawRequest(modgate.url, '/healthz')).status, 200);
    for (const path of ['/example.com/m/@v/v1.0.0.info', '/healthz', '/readyz', '/nope']) {
      const res = await rawRequest(modgate.url, path);
      assert.equal(res.status, 429, path);
      // 100 s until the next token at 0.01/s, less the seconds this loaded machine took since
      // the burst ran out (a whole number, rounded down).
      const retryAfter = Number(res.headers['retry-after']);
      assert.ok(Number.isInteger(retryAfter) && retryAfter > 60 && retryAfter <= 100, path);
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
      assert.match(res.body.toString(), /^too many requests: over 0\.01 requests per second/);
    }
    assert.equal(good.requests.length, 1);
  } finally {
    await modgate.stop();
    await good.close();
  }
});

test('serve: no limit by default', async () => {
  const good = await FixtureProxy.create([{ path: 'example.com/m', version: 'v1.0.0' }]);
  const modgate = await startModgate({ upstream: good.url });
  try {
    for (let i = 0; i < 300; i++) {
      assert.equal((await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.info')).status, 200);
    }
  } finally {
    await modgate.stop();
    await good.close();
  }
});
