import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { ArrayHistogram } from '../../src/metrics/array-histogram.js';
import { REQUEST_BUCKETS } from '../../src/metrics/buckets.js';

describe('ArrayHistogram', () => {
  test("exposes exactly what prom-client's Histogram exposes for the same observations", async () => {
    const labels = ['list', 'info', 'zip'];
    const ours = new ArrayHistogram('x_seconds', 'help', 'route', labels, REQUEST_BUCKETS);
    const oursRegistry = new Registry();
    oursRegistry.registerMetric(ours.asMetric());
    const theirsRegistry = new Registry();
    const theirs = new Histogram({
      name: 'x_seconds',
      help: 'help',
      labelNames: ['route'],
      buckets: [...REQUEST_BUCKETS],
      registers: [theirsRegistry],
    });
    // Bounds themselves (le is inclusive), between them, past the last one, zero.
    const values = [0, 0.0005, 0.0006, 0.001, 0.3, 1, 59.9, 60, 61, 1000, 0.0004];
    values.forEach((v, i) => {
      const index = i % 2; // list and info; zip never observed: no series
      ours.observe(index, v);
      theirs.observe({ route: labels[index] as string }, v);
    });
    assert.equal(await oursRegistry.metrics(), await theirsRegistry.metrics());
    assert.ok(!(await oursRegistry.metrics()).includes('route="zip"'));
  });

  test('reset empties it', async () => {
    const h = new ArrayHistogram('y_seconds', 'help', 'route', ['a'], [1]);
    h.observe(0, 0.5);
    h.reset();
    assert.deepEqual((await h.get()).values, []);
  });
});
