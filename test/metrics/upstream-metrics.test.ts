import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { UpstreamMetrics } from '../../src/metrics/upstream-metrics.js';
import type { UpstreamObserver } from '../../src/upstream/upstream-observer.js';
import { parseExposition, sumOf } from './exposition.js';

test('UpstreamMetrics: attempts, retries, breaker state and transitions, bulkhead, up', async () => {
  const registry = new Registry();
  const observer: UpstreamObserver = new UpstreamMetrics(registry);
  const u = 'https://proxy.example';
  observer.breakerState(u, 'closed'); // the initial state: not a transition
  observer.attempt(u, 'info', 'ok', 0.02);
  observer.attempt(u, 'mod', 'not_found', 0.01);
  const scrape = async () => parseExposition(await registry.metrics());
  let s = await scrape();
  assert.equal(sumOf(s, 'modgate_upstream_up', { upstream: u }), 1);
  assert.equal(sumOf(s, 'modgate_upstream_breaker_state', { upstream: u, state: 'closed' }), 1);
  assert.equal(sumOf(s, 'modgate_upstream_breaker_transitions_total'), 0);

  observer.attempt(u, 'zip', 'timeout', 30);
  observer.retry(u, 'zip');
  observer.attempt(u, 'zip', 'error', 0.5);
  s = await scrape();
  assert.equal(sumOf(s, 'modgate_upstream_up', { upstream: u }), 0, 'the last attempt failed');
  assert.equal(sumOf(s, 'modgate_upstream_retries_total', { upstream: u }), 1);
  assert.equal(
    sumOf(s, 'modgate_upstream_requests_total', {
      upstream: u,
      operation: 'zip',
      outcome: 'timeout',
    }),
    1,
  );
  assert.equal(
    sumOf(s, 'modgate_upstream_request_duration_seconds_count', { upstream: u, operation: 'zip' }),
    2,
  );

  observer.breakerState(u, 'open');
  observer.attempt(u, 'info', 'rejected', 0);
  observer.bulkhead(u, 3);
  observer.bulkheadRejected(u);
  s = await scrape();
  assert.equal(sumOf(s, 'modgate_upstream_breaker_state', { upstream: u, state: 'open' }), 1);
  assert.equal(sumOf(s, 'modgate_upstream_breaker_state', { upstream: u, state: 'closed' }), 0);
  assert.equal(
    sumOf(s, 'modgate_upstream_breaker_transitions_total', { upstream: u, to: 'open' }),
    1,
  );
  assert.equal(
    sumOf(s, 'modgate_upstream_request_duration_seconds_count', { upstream: u, operation: 'info' }),
    1,
    'a rejected call has no duration',
  );
  assert.equal(sumOf(s, 'modgate_upstream_bulkhead_queued', { upstream: u }), 3);
  assert.equal(sumOf(s, 'modgate_upstream_bulkhead_rejected_total', { upstream: u }), 1);

  // Half-open probe succeeds, breaker closes: up again.
  observer.breakerState(u, 'half_open');
  observer.attempt(u, 'info', 'ok', 0.01);
  observer.breakerState(u, 'closed');
  s = await scrape();
  assert.equal(sumOf(s, 'modgate_upstream_up', { upstream: u }), 1);
  assert.equal(sumOf(s, 'modgate_upstream_breaker_transitions_total', { upstream: u }), 3);
});
