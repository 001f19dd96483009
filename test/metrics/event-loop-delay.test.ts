import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { LOOP_DELAY_SAMPLE_MS } from '../../src/metrics/event-loop-delay.js';
import { createMetrics } from '../../src/metrics/index.js';
import { parseExposition, promtoolCheckMetrics, type Sample } from './exposition.js';

const STATS = ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'];

function value(samples: Sample[], stat: string): number {
  const name = `modgate_nodejs_eventloop_lag_${stat}_seconds`;
  const found = samples.filter((s) => s.name === name);
  assert.equal(found.length, 1, `${name}: one sample`);
  return (found[0] as Sample).value;
}

async function scrape(): Promise<{ samples: Sample[]; text: string }> {
  const { body } = await createMetrics({ version: 't', commit: 'unknown' }).exposition();
  return { samples: parseExposition(body), text: body };
}

test('event-loop delay: sampled every 50 ms, reported as the delay (not the sampling interval), reset per scrape', async () => {
  assert.equal(LOOP_DELAY_SAMPLE_MS, 50);
  // Each gauge once (prom-client's own were replaced, not doubled), and the exposition valid.
  const first = await scrape();
  for (const stat of STATS) value(first.samples, stat);
  assert.equal(first.text.match(/^# TYPE modgate_nodejs_eventloop_lag_max_seconds /gm)?.length, 1);
  const check = await promtoolCheckMetrics(first.text);
  assert.notEqual(check.code, 1, check.output);

  // A blocked loop shows as a delay of about the blocked time.
  await scrape(); // reset (the interval a reset falls in is not recorded: Node's histogram)
  await sleep(3 * LOOP_DELAY_SAMPLE_MS);
  const until = Date.now() + 300;
  while (Date.now() < until) {
    // blocked: no sample can be taken
  }
  await sleep(3 * LOOP_DELAY_SAMPLE_MS);
  const blocked = await scrape();
  const max = value(blocked.samples, 'max');
  assert.ok(max >= 0.2, `max ${max} s after a 300 ms block`);
  assert.ok(value(blocked.samples, 'min') <= value(blocked.samples, 'p50'));
  assert.ok(value(blocked.samples, 'p50') <= max);

  // Samples taken on time are a delay of about 0: below the 10 ms that prom-client's own
  // monitor (which reports the whole interval) could never go under. A machine this test
  // shares may make every sample of a window late, so a few windows are tried.
  let min = Infinity;
  for (let i = 0; i < 40 && min >= 0.009; i++) {
    await sleep(5 * LOOP_DELAY_SAMPLE_MS);
    min = value((await scrape()).samples, 'min');
  }
  assert.ok(min < 0.009, `min ${min} s`);
});
