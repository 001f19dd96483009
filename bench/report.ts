import type { DownloadResult, LatencyResult, ThroughputResult } from './measure.js';

/** Everything measured for one server. */
export interface ServerResult {
  name: string;
  throughput: ThroughputResult;
  latency: LatencyResult;
  download: DownloadResult;
  /** VmHWM at the end of the run (peak resident memory over the server's life). */
  peakRssBytes: number;
}

/** Targets of the `modgate serve` issue, for cached hits. */
export const TARGETS = {
  /** modgate requests/s on the mixed load, as a fraction of nginx's. */
  minRequestsRatio: 0.6,
  /**
   * "Memory flat" while 16 clients download the big zip: RSS may not grow by more than this
   * (a buffered copy per client would be 16 × ~100 MB).
   */
  maxRssGrowthBytes: 64 * 1024 * 1024,
};

const MiB = 1024 * 1024;

interface Row {
  label: string;
  value: (s: ServerResult) => number;
  digits: number;
}

/** The rows of the table, each with modgate/nginx (and modgate/node:http) ratios. */
export function rows(rate: number): Row[] {
  return [
    {
      label: 'requests/s, mixed small files',
      value: (s) => s.throughput.requestsPerS,
      digits: 0,
    },
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
    { label: 'server CPU ms / GB downloaded', value: (s) => s.download.cpuMsPerGB, digits: 0 },
    {
      label: 'RSS MiB before the downloads',
      value: (s) => s.download.rssBeforeBytes / MiB,
      digits: 1,
    },
    {
      label: 'RSS MiB, max during the downloads',
      value: (s) => s.download.rssMaxBytes / MiB,
      digits: 1,
    },
    { label: 'peak RSS MiB (VmHWM)', value: (s) => s.peakRssBytes / MiB, digits: 1 },
  ];
}

/** The plain-text table printed at the end of a run. */
export function formatTable(servers: ServerResult[], rate: number): string {
  const byName = new Map(servers.map((s) => [s.name, s]));
  const modgate = byName.get('modgate');
  const nginx = byName.get('nginx');
  const bare = byName.get('node:http');
  const names = servers.map((s) => s.name);
  const header = ['', ...names, 'modgate/nginx', 'modgate/node:http'];
  const lines: string[][] = [header];
  for (const row of rows(rate)) {
    const cells = [row.label, ...servers.map((s) => row.value(s).toFixed(row.digits))];
    cells.push(ratio(modgate, nginx, row.value), ratio(modgate, bare, row.value));
    lines.push(cells);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  return lines
    .map((l) =>
      l.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

function ratio(
  a: ServerResult | undefined,
  b: ServerResult | undefined,
  value: (s: ServerResult) => number,
): string {
  if (a === undefined || b === undefined || value(b) === 0) return '-';
  return (value(a) / value(b)).toFixed(2);
}
