import type { Registry } from 'prom-client';

/** One series of a metric as prom-client's `get()` gives it. */
interface Sample {
  value: number;
  labels: Record<string, string | number | undefined>;
  metricName?: string | undefined;
}

/** The samples of one metric of the registry (none when it is not registered). */
async function samples(registry: Registry, name: string): Promise<Sample[]> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return [];
  const data = (await metric.get()) as { values: Sample[] };
  return data.values;
}

/** Each upstream's attempts, failures and latency, from modgate_upstream_* (issue 11). */
export interface UpstreamFigures {
  requests: number;
  errors: number;
  p50Ms?: number | undefined;
  p99Ms?: number | undefined;
}

/**
 * Per upstream label: attempts and failed attempts (outcomes error and timeout; not_found is
 * an answer, rejected a refusal of ours) from modgate_upstream_requests_total, and the p50 and
 * p99 of modgate_upstream_request_duration_seconds over every operation, interpolated within
 * the histogram's buckets as Prometheus's histogram_quantile does.
 */
export async function upstreamFigures(registry: Registry): Promise<Map<string, UpstreamFigures>> {
  const out = new Map<string, UpstreamFigures>();
  const of = (u: string): UpstreamFigures => {
    let f = out.get(u);
    if (f === undefined) out.set(u, (f = { requests: 0, errors: 0 }));
    return f;
  };
  for (const s of await samples(registry, 'modgate_upstream_requests_total')) {
    const f = of(String(s.labels.upstream));
    f.requests += s.value;
    if (s.labels.outcome === 'error' || s.labels.outcome === 'timeout') f.errors += s.value;
  }
  const buckets = new Map<string, Map<number, number>>();
  for (const s of await samples(registry, 'modgate_upstream_request_duration_seconds')) {
    if (s.metricName !== undefined && !s.metricName.endsWith('_bucket')) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    if (Number.isNaN(le)) continue;
    const u = String(s.labels.upstream);
    const m = buckets.get(u) ?? new Map<number, number>();
    m.set(le, (m.get(le) ?? 0) + s.value);
    buckets.set(u, m);
  }
  for (const [u, m] of buckets) {
    const cumulative = [...m].sort((a, b) => a[0] - b[0]);
    const p50 = quantile(0.5, cumulative);
    const p99 = quantile(0.99, cumulative);
    const f = of(u);
    if (p50 !== undefined) f.p50Ms = p50 * 1000;
    if (p99 !== undefined) f.p99Ms = p99 * 1000;
  }
  return out;
}

/** histogram_quantile over cumulative [le, count] pairs sorted by le; undefined when empty. */
export function quantile(q: number, cumulative: readonly [number, number][]): number | undefined {
  const total = cumulative.at(-1)?.[1] ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of cumulative) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      if (count === prevCount) return le;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / (count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

/** The value of a metric without labels (the first series), undefined when absent. */
export async function gaugeValue(registry: Registry, name: string): Promise<number | undefined> {
  return (await samples(registry, name))[0]?.value;
}
