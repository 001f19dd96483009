import type { Metric } from 'prom-client';

/** One exported sample, in prom-client's shape (what Registry formats). */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

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
  get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: Sample[];
  }> {
    const values: Sample[] = [];
    const n = this.bounds.length;
    for (let i = 0; i < this.labelValues.length; i++) {
      const count = this.counts[i] as number;
      if (count === 0) continue;
      const label = this.labelValues[i] as string;
      let acc = 0;
      for (let b = 0; b < n; b++) {
        acc += this.buckets[i * n + b] as number;
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { le: this.bounds[b] as number, [this.labelName]: label },
          value: acc,
        });
      }
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { le: '+Inf', [this.labelName]: label },
        value: count,
      });
      values.push({
        metricName: `${this.name}_sum`,
        labels: { [this.labelName]: label },
        value: this.sums[i] as number,
      });
      values.push({
        metricName: `${this.name}_count`,
        labels: { [this.labelName]: label },
        value: count,
      });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
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
