// The request metrics' per-request work (issue 9): the route of a kept target is worked out once
// and kept with it (TargetMemo.route), and counts the same as a target read afresh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import type { TargetMemo } from '../../src/log/index.js';
import { RequestMetrics } from '../../src/metrics/request-metrics.js';

const finished = (path: string, targetMemo?: TargetMemo) => ({
  path,
  method: 'GET',
  status: 200,
  cache: 'hit',
  bytes: 10,
  complete: true,
  ms: 1,
  targetMemo,
});

async function requestsByRoute(registry: Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('modgate_http_requests_total')?.get();
  const out: Record<string, number> = {};
  for (const v of metric?.values ?? []) {
    const route = String(v.labels.route);
    out[route] = (out[route] ?? 0) + v.value;
  }
  return out;
}

test("a kept target's route is worked out once, kept with it, and counted as a fresh target's", async () => {
  const registry = new Registry();
  const metrics = new RequestMetrics(registry);
  const memo: TargetMemo = { target: '/example.com/a/@v/list', counted: 0, route: -1 };
  metrics.record(finished(memo.target, memo));
  assert.equal(memo.route, 0, 'list, kept');
  metrics.record(finished(memo.target, memo));
  metrics.record(finished('/example.com/a/@v/list'));
  metrics.record(finished('/example.com/a/@v/v1.0.0.zip'));
  assert.deepEqual(await requestsByRoute(registry), { list: 3, zip: 1 });
  // The kept route is what counts (read, not worked out again).
  memo.route = 3;
  metrics.record(finished(memo.target, memo));
  assert.deepEqual(await requestsByRoute(registry), { list: 3, zip: 2 });
});
