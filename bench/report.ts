import type { DownloadResult, LatencyResult, ThroughputResult } from './measure.js';

/** Everything measured for one server. */
export interface ServerResult {
  name: string;
  throughput: ThroughputResult;
  latency: LatencyResult;
  download: DownloadResult;
  /** VmHWM at the end of the run (peak resident memory over the server's whole life). */
  peakRssBytes: number;
}

/** The serving targets of issue 9 item 6 (modgate with its defaults against nginx at its best). */
export const TARGETS = {
  /** modgate requests/s on the cached mixed load, as a fraction of nginx's. */
  minRequestsRatio: 0.8,
  /** Server CPU per 1,000 requests on that load, ms. */
  maxCpuMsPer1000: 25,
  /** p99 latency at the fixed rate, ms. */
  maxP99Ms: 1,
  /** The fixed rate the p99 target is for, requests/s. */
  latencyRate: 2000,
  /** Server CPU seconds per GB while 16 clients download the big zip (at ≥ nginx's MB/s). */
  maxCpuSPerGB: 0.35,
  /** Peak RSS (VmHWM) over the whole run, bytes. */
  maxPeakRssBytes: 150e6,
};

const MB = 1e6;

interface Row {
  label: string;
  value: (s: ServerResult) => number;
  digits: number;
}

/** The rows of the table. */
export function rows(rate: number): Row[] {
  return [
    { label: 'requests/s, cached mixed', value: (s) => s.throughput.requestsPerS, digits: 0 },
    {
      label: 'server core busy % (max load)',
      value: (s) => s.throughput.serverBusy * 100,
      digits: 0,
    },
    {
      label: 'server CPU ms / 1,000 req (max load)',
      value: (s) => s.throughput.cpuMsPer1000,
      digits: 1,
    },
    { label: `p50 latency ms @ ${rate} req/s`, value: (s) => s.latency.p50Ms, digits: 2 },
    { label: `p99 latency ms @ ${rate} req/s`, value: (s) => s.latency.p99Ms, digits: 2 },
    {
      label: `  p99 from schedule (+ generator lag)`,
      value: (s) => s.latency.p99ScheduledMs,
      digits: 2,
    },
    {
      label: `server CPU ms / 1,000 req @ ${rate}/s`,
      value: (s) => s.latency.cpuMsPer1000,
      digits: 1,
    },
    {
      label: 'MB/s, 16 downloads of the big zip',
      value: (s) => s.download.megabytesPerS,
      digits: 0,
    },
    {
      label: 'server core busy % (downloads)',
      value: (s) => s.download.serverBusy * 100,
      digits: 0,
    },
    {
      label: 'server CPU s / GB downloaded',
      value: (s) => s.download.cpuMsPerGB / 1000,
      digits: 3,
    },
    {
      label: 'RSS MB before the downloads',
      value: (s) => s.download.rssBeforeBytes / MB,
      digits: 1,
    },
    {
      label: 'RSS MB, max during the downloads',
      value: (s) => s.download.rssMaxBytes / MB,
      digits: 1,
    },
    { label: 'peak RSS MB (VmHWM, whole run)', value: (s) => s.peakRssBytes / MB, digits: 1 },
  ];
}

/** A ratio column: `num`'s figure divided by `den`'s. */
export interface RatioColumn {
  num: string;
  den: string;
}

/** The plain-text table printed at the end of a run: one column per server, then the ratios. */
export function formatTable(servers: ServerResult[], rate: number, ratios: RatioColumn[]): string {
  const byName = new Map(servers.map((s) => [s.name, s]));
  const usable = ratios.filter((r) => byName.has(r.num) && byName.has(r.den));
  const header = ['', ...servers.map((s) => s.name), ...usable.map((r) => `${r.num}/${r.den}`)];
  const lines: string[][] = [header];
  for (const row of rows(rate)) {
    const cells = [row.label, ...servers.map((s) => row.value(s).toFixed(row.digits))];
    for (const r of usable) cells.push(ratio(byName.get(r.num), byName.get(r.den), row.value));
    lines.push(cells);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  return lines
    .map((l) =>
      l.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

/** One target, checked. */
export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

/**
 * The targets of issue 9 for modgate `mg` against nginx `ng` (one pair of the run); the
 * latency target only when the fixed rate is the target's rate.
 */
export function checkTargets(mg: ServerResult, ng: ServerResult, rate: number): TargetCheck[] {
  const reqRatio = mg.throughput.requestsPerS / ng.throughput.requestsPerS;
  const sPerGB = mg.download.cpuMsPerGB / 1000;
  const checks: TargetCheck[] = [
    {
      target: `requests/s >= ${TARGETS.minRequestsRatio} x ${ng.name}`,
      measured: `${reqRatio.toFixed(2)} x (${mg.throughput.requestsPerS.toFixed(0)} vs ${ng.throughput.requestsPerS.toFixed(0)})`,
      pass: reqRatio >= TARGETS.minRequestsRatio,
    },
    {
      target: `server CPU <= ${TARGETS.maxCpuMsPer1000} ms / 1,000 requests`,
      measured: `${mg.throughput.cpuMsPer1000.toFixed(1)} ms (${ng.name} ${ng.throughput.cpuMsPer1000.toFixed(1)}, ${(mg.throughput.cpuMsPer1000 / ng.throughput.cpuMsPer1000).toFixed(2)} x)`,
      pass: mg.throughput.cpuMsPer1000 <= TARGETS.maxCpuMsPer1000,
    },
  ];
  if (rate === TARGETS.latencyRate) {
    checks.push({
      target: `p99 <= ${TARGETS.maxP99Ms} ms @ ${rate} req/s`,
      measured:
        `${mg.latency.p99Ms.toFixed(2)} ms (${ng.name} ${ng.latency.p99Ms.toFixed(2)}, ${(mg.latency.p99Ms / ng.latency.p99Ms).toFixed(2)} x; ` +
        `from the scheduled times ${mg.latency.p99ScheduledMs.toFixed(2)} vs ${ng.latency.p99ScheduledMs.toFixed(2)})`,
      // 0: the fixed-rate phase was skipped (--phases), which fails as every skipped target.
      pass: mg.latency.p99Ms > 0 && mg.latency.p99Ms <= TARGETS.maxP99Ms,
    });
  }
  checks.push(
    {
      target: `16 downloads: <= ${TARGETS.maxCpuSPerGB} CPU s / GB at >= ${ng.name}'s MB/s`,
      measured:
        `${sPerGB.toFixed(3)} s/GB (${ng.name} ${(ng.download.cpuMsPerGB / 1000).toFixed(3)}, ${(mg.download.cpuMsPerGB / ng.download.cpuMsPerGB).toFixed(2)} x), ` +
        `${mg.download.megabytesPerS.toFixed(0)} vs ${ng.download.megabytesPerS.toFixed(0)} MB/s (${(mg.download.megabytesPerS / ng.download.megabytesPerS).toFixed(2)} x)`,
      pass:
        sPerGB <= TARGETS.maxCpuSPerGB && mg.download.megabytesPerS >= ng.download.megabytesPerS,
    },
    {
      target: `peak RSS <= ${TARGETS.maxPeakRssBytes / MB} MB`,
      measured: `${(mg.peakRssBytes / MB).toFixed(1)} MB (${ng.name} ${(ng.peakRssBytes / MB).toFixed(1)})`,
      pass: mg.peakRssBytes <= TARGETS.maxPeakRssBytes,
    },
  );
  return checks;
}

export function formatChecks(title: string, checks: TargetCheck[]): string {
  const w = Math.max(...checks.map((c) => c.target.length));
  return (
    `${title}\n` +
    checks
      .map((c) => `  ${c.pass ? 'PASS' : 'FAIL'}  ${c.target.padEnd(w)}  ${c.measured}`)
      .join('\n')
  );
}

function ratio(
  a: ServerResult | undefined,
  b: ServerResult | undefined,
  value: (s: ServerResult) => number,
): string {
  if (a === undefined || b === undefined || value(b) === 0) return '-';
  return (value(a) / value(b)).toFixed(2);
}
