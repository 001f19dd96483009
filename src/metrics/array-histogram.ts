import type { Metric } from 'prom-client';
import { pushSeriesSamples, type HistogramValues, type Sample } from './histogram-samples.js';

/**
 * A histogram with one label whose values are a fixed list, observed by index into plain
 * arrays: `observe` is a bucket search and three additions, where prom-client's own Histogram
 * builds and hashes a label string per observation (measured too dear for the cached-request
 * path, ~50,000 requests/s). The registry formats it like any prom-client metric: `get()`
 * returns the samples prom-client's Histogram would (`_bucket` cumulative with `le`, `_sum`,
 * `_count`), for the label values observed at least once.
 */
export class ArrayHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly buckets: Float64Array;
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelName: string,
    private readonly labelValues: readonly string[],
    private readonly bounds: readonly number[],
  ) {
    this.buckets = new Float64Array(labelValues.length * bounds.length);
    this.sums = new Float64Array(labelValues.length);
    this.counts = new Float64Array(labelValues.length);
  }

  /** Records `value` (seconds) for label value number `index`. */
  observe(index: number, value: number): void {
    const bounds = this.bounds;
    const n = bounds.length;
    let b = 0;
    while (b < n && value > (bounds[b] as number)) b++;
    // Past the last bound: only +Inf (the count) holds it.
    if (b < n) add(this.buckets, index * n + b, 1);
    add(this.sums, index, value);
    add(this.counts, index, 1);
  }

  /** Samples as prom-client's Registry reads them (see the class comment). */
  get(): Promise<HistogramValues> {
    const values: Sample[] = [];
    const n = this.bounds.length;
    for (let i = 0; i < this.labelValues.length; i++) {
      const count = this.counts[i] as number;
      if (count === 0) continue;
      const labels = { [this.labelName]: this.labelValues[i] as string };
      pushSeriesSamples(
        values,
        this.name,
        this.bounds,
        this.buckets,
        i * n,
        this.sums[i] as number,
        count,
        labels,
      );
    }
    const { name, help, type, aggregator } = this;
    return Promise.resolve({ name, help, type, aggregator, values });
  }

  reset(): void {
    this.buckets.fill(0);
    this.sums.fill(0);
    this.counts.fill(0);
  }

  /**
   * As the registry takes it. Registry.registerMetric is typed for prom-client's own classes,
   * but reads only `name`, `help`, `type` and `get()` (and `reset()` on resetMetrics).
   */
  asMetric(): Metric {
    return this as unknown as Metric;
  }
}

/** `a[i] += v` (a typed array's element, in range by construction). */
export function add(a: Float64Array, i: number, v: number): void {
  a[i] = (a[i] as number) + v;
}
