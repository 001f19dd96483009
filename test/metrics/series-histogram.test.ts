import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { OPERATION_BUCKETS } from '../../src/metrics/buckets.js';
import { SeriesHistogram } from '../../src/metrics/series-histogram.js';

describe('SeriesHistogram', () => {
  test("exposes exactly what prom-client's Histogram exposes for the same observations", async () => {
    const ours = new SeriesHistogram('x_seconds', 'help', OPERATION_BUCKETS);
    const oursRegistry = new Registry();
    oursRegistry.registerMetric(ours.asMetric());
    const theirsRegistry = new Registry();
    const theirs = new Histogram({
      name: 'x_seconds',
      help: 'help',
      labelNames: ['upstream', 'operation'],
      buckets: [...OPERATION_BUCKETS],
      registers: [theirsRegistry],
    });
    const labelSets = [
      { upstream: 'https://a.example', operation: 'mod' },
      { upstream: 'https://a.example', operation: 'zip' },
      { upstream: 'direct', operation: 'mod' },
    ];
    const series = labelSets.map((l) => ours.series(l));
    ours.series({ upstream: 'never', operation: 'info' }); // never observed: no samples
    // Bounds themselves (le is inclusive), between them, past the last one, zero.
    const values = [0, 0.0005, 0.001, 0.3, 1, 59.9, 60, 61, 1000, 0.0004, 2.5];
    values.forEach((v, i) => {
      const k = i % labelSets.length;
      series[k]!.observe(v);
      theirs.observe(labelSets[k]!, v);
    });
    assert.equal(await oursRegistry.metrics(), await theirsRegistry.metrics());
    assert.ok(!(await oursRegistry.metrics()).includes('upstream="never"'));
  });

  test('reset empties every series', async () => {
    const h = new SeriesHistogram('y_seconds', 'help', [1]);
    h.series({ a: 'b' }).observe(0.5);
    h.reset();
    assert.deepEqual((await h.get()).values, []);
  });
});
