/** One exported sample, in prom-client's shape (what Registry formats). */
export interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/** What a histogram's `get()` gives prom-client's Registry. */
export interface HistogramValues {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: Sample[];
}

/**
 * Appends one series' samples as prom-client's Histogram gives them: a cumulative `_bucket` per
 * bound with `le` first, the `+Inf` bucket (the count), `_sum` and `_count`. `buckets` holds the
 * series' non-cumulative counts per bound from index `from`.
 */
export function pushSeriesSamples(
  values: Sample[],
  name: string,
  bounds: readonly number[],
  buckets: ArrayLike<number>,
  from: number,
  sum: number,
  count: number,
  labels: Readonly<Record<string, string>>,
): void {
  let acc = 0;
  for (let b = 0; b < bounds.length; b++) {
    acc += buckets[from + b] as number;
    values.push({
      metricName: `${name}_bucket`,
      labels: { le: bounds[b] as number, ...labels },
      value: acc,
    });
  }
  values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', ...labels }, value: count });
  values.push({ metricName: `${name}_sum`, labels: { ...labels }, value: sum });
  values.push({ metricName: `${name}_count`, labels: { ...labels }, value: count });
}
