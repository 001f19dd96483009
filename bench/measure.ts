import { runLoadgen, type LoadgenResult } from './loadgen.js';
import { cpuMs, RssSampler, statusBytes } from './proc-stats.js';
import type { BenchServer } from './servers.js';
import { runWrk, type WrkResult } from './wrk.js';

/** One wrk run on the mixed load, with the server CPU time it cost. */
export interface ThroughputRound {
  requests: number;
  durationS: number;
  requestsPerS: number;
  cpuMs: number;
}

/** Maximum throughput on the mixed small-file load, over several rounds. */
export interface ThroughputResult {
  /** Median of the rounds. */
  requestsPerS: number;
  /** Server CPU time (user + system, all threads) per 1,000 requests, ms, over all rounds. */
  cpuMsPer1000: number;
  /**
   * Share of the server's core it used (CPU time / wall time): well under 100 % means the
   * load generator, not the server, set the pace.
   */
  serverBusy: number;
  rounds: ThroughputRound[];
}

/** One open-loop run at the fixed rate, with the server CPU time it cost. */
export interface LatencyRound {
  loadgen: LoadgenResult;
  cpuMs: number;
  requests: number;
}

/** Latency at a fixed request rate (open loop), over several rounds. */
export interface LatencyResult {
  /**
   * Medians of the rounds' percentiles, latency from each request's dispatch (see
   * bench/loadgen/main.go: the Go generator's own timer lag, up to ~1 ms, is not the server's).
   */
  p50Ms: number;
  p99Ms: number;
  /** The same from each request's scheduled send time (generator lag included). */
  p50ScheduledMs: number;
  p99ScheduledMs: number;
  /** Median of the rounds' p99 dispatch lag. */
  p99LagMs: number;
  cpuMsPer1000: number;
  rounds: LatencyRound[];
}

/** 16 clients downloading the big zip over and over. */
export interface DownloadResult {
  wrk: WrkResult;
  megabytesPerS: number;
  cpuMsPerGB: number;
  serverBusy: number;
  /** VmRSS just before the downloads, and its samples during them (every 250 ms). */
  rssBeforeBytes: number;
  rssSamples: { ms: number; bytes: number }[];
  rssMaxBytes: number;
  /** Max sampled RSS minus RSS before: how far memory moved with 16 downloads running. */
  rssGrowthBytes: number;
}

/** wrk on the mixed paths for `durationS`, with the server's CPU time read around it. */
export async function throughputRound(
  server: BenchServer,
  opts: { pathsFile: string; connections: number; durationS: number; core?: number },
): Promise<ThroughputRound> {
  const cpu0 = cpuMs(server.pids);
  const wrk = await runWrk({
    url: server.url,
    pathsFile: opts.pathsFile,
    connections: opts.connections,
    durationS: opts.durationS,
    core: opts.core,
  });
  const cpu = cpuMs(server.pids) - cpu0;
  checkClean(server, wrk);
  return {
    requests: wrk.requests,
    durationS: wrk.durationS,
    requestsPerS: wrk.requestsPerS,
    cpuMs: cpu,
  };
}

export function summarizeThroughput(rounds: ThroughputRound[]): ThroughputResult {
  const requests = sum(rounds.map((r) => r.requests));
  const cpu = sum(rounds.map((r) => r.cpuMs));
  return {
    requestsPerS: median(rounds.map((r) => r.requestsPerS)),
    cpuMsPer1000: (cpu / requests) * 1000,
    serverBusy: cpu / 1000 / sum(rounds.map((r) => r.durationS)),
    rounds,
  };
}

/** The open-loop generator at `rate` requests/s over the mixed paths (after 1 s unmeasured). */
export async function latencyRound(
  server: BenchServer,
  opts: {
    loadgen: string;
    pathsFile: string;
    rate: number;
    durationS: number;
    core?: number;
    dumpFile?: string;
  },
): Promise<LatencyRound> {
  const cpu0 = cpuMs(server.pids);
  const loadgen = await runLoadgen({
    bin: opts.loadgen,
    baseUrl: server.url,
    pathsFile: opts.pathsFile,
    rate: opts.rate,
    durationS: opts.durationS,
    core: opts.core,
    dumpFile: opts.dumpFile,
  });
  const cpu = cpuMs(server.pids) - cpu0;
  if (loadgen.failed > 0 || loadgen.non2xx > 0) {
    throw new Error(
      `${server.name}: ${loadgen.failed} failed and ${loadgen.non2xx} non-2xx answers at ${opts.rate}/s ` +
        `(statuses ${JSON.stringify(loadgen.statuses)}; first error: ${loadgen.firstError ?? 'none'})`,
    );
  }
  // The generator's 1 s warm-up runs at the same rate, and its CPU is in `cpu` too.
  return { loadgen, cpuMs: cpu, requests: Math.round(opts.rate * (opts.durationS + 1)) };
}

export function summarizeLatency(rounds: LatencyRound[]): LatencyResult {
  return {
    p50Ms: median(rounds.map((r) => r.loadgen.p50SendMs)),
    p99Ms: median(rounds.map((r) => r.loadgen.p99SendMs)),
    p50ScheduledMs: median(rounds.map((r) => r.loadgen.p50Ms)),
    p99ScheduledMs: median(rounds.map((r) => r.loadgen.p99Ms)),
    p99LagMs: median(rounds.map((r) => r.loadgen.p99LagMs)),
    cpuMsPer1000: (sum(rounds.map((r) => r.cpuMs)) / sum(rounds.map((r) => r.requests))) * 1000,
    rounds,
  };
}

/** wrk with 16 connections on the big zip for `durationS`, RSS sampled throughout. */
export async function measureDownload(
  server: BenchServer,
  opts: { path: string; durationS: number; core?: number },
): Promise<DownloadResult> {
  const rssBeforeBytes = statusBytes(server.pids, 'VmRSS');
  const cpu0 = cpuMs(server.pids);
  const sampler = new RssSampler(server.pids);
  const wrk = await runWrk({
    url: server.url + opts.path,
    connections: 16,
    durationS: opts.durationS,
    timeoutS: 120,
    core: opts.core,
  });
  const rssSamples = sampler.stop();
  const cpu = cpuMs(server.pids) - cpu0;
  checkClean(server, wrk);
  const rssMaxBytes = Math.max(...rssSamples.map((s) => s.bytes));
  return {
    wrk,
    megabytesPerS: wrk.bytesPerS / 1e6,
    cpuMsPerGB: cpu / (wrk.bytes / 1e9),
    serverBusy: cpu / 1000 / wrk.durationS,
    rssBeforeBytes,
    rssSamples,
    rssMaxBytes,
    rssGrowthBytes: rssMaxBytes - rssBeforeBytes,
  };
}

function checkClean(server: BenchServer, wrk: WrkResult): void {
  if (wrk.statusErrors > 0 || wrk.socketErrors > 0) {
    throw new Error(
      `${server.name}: ${wrk.statusErrors} error statuses and ${wrk.socketErrors} socket errors under load`,
    );
  }
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
