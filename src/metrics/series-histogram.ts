import type { Metric } from 'prom-client';
import { add } from './array-histogram.js';
import { pushSeriesSamples, type HistogramValues, type Sample } from './histogram-samples.js';

/** One label set's counts: what `SeriesHistogram.series` hands out, observed directly. */
export class HistogramSeries {
  /** Per bound, the observations that fell in it (not cumulative); +Inf is `count`. */
  readonly buckets: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.buckets = new Float64Array(bounds.length);
  }

  /** Records `value` (seconds): a bucket search and three additions. */
  observe(value: number): void {
    const bounds = this.bounds;
    const n = bounds.length;
    let b = 0;
    while (b < n && value > (bounds[b] as number)) b++;
    // Past the last bound: only +Inf (the count) holds it.
    if (b < n) add(this.buckets, b, 1);
    this.sum += value;
    this.count += 1;
  }
}

/**
 * A histogram whose label sets are not known in advance (an upstream's name comes from the
 * configuration), each observed through a HistogramSeries the caller keeps: `observe` is a
 * bucket search and three additions, where prom-client's Histogram builds, validates and
 * hashes the label set on every observation (even through a `labels()` child). ArrayHistogram
 * is the same for one label with a fixed list of values. The registry formats it like any
 * prom-client metric: `get()` returns the samples prom-client's Histogram would, for the
 * series observed at least once, in the order they were created.
 */
export class SeriesHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly all: HistogramSeries[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  /**
   * A new series for `labels` (keys in the order prom-client would print them: the order of
   * the histogram's label names). The caller keeps it: calling this twice for the same labels
   * exposes two series.
   */
  series(labels: Readonly<Record<string, string>>): HistogramSeries {
    const s = new HistogramSeries({ ...labels }, this.bounds);
    this.all.push(s);
    return s;
  }

  /** Samples as prom-client's Registry reads them (see the class comment). */
  get(): Promise<HistogramValues> {
    const values: Sample[] = [];
    for (const s of this.all) {
      if (s.count === 0) continue;
      pushSeriesSamples(values, this.name, this.bounds, s.buckets, 0, s.sum, s.count, s.labels);
    }
    const { name, help, type, aggregator } = this;
    return Promise.resolve({ name, help, type, aggregator, values });
  }

  reset(): void {
    for (const s of this.all) {
      s.buckets.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }

  /** As the registry takes it (see ArrayHistogram.asMetric). */
  asMetric(): Metric {
    return this as unknown as Metric;
  }
}
