import { join } from 'node:path';
import { benchDir } from './paths.js';
import { pinned, runCommand } from './run-command.js';

/** Totals of one wrk run (closed loop: each connection sends its next request on an answer). */
export interface WrkResult {
  durationS: number;
  requests: number;
  bytes: number;
  requestsPerS: number;
  bytesPerS: number;
  /** Connect, read, write errors and timeouts. */
  socketErrors: number;
  /** Answers with a status outside 2xx/3xx. */
  statusErrors: number;
  /** wrk's own (closed-loop) latency percentiles, for reference. */
  p50Ms: number;
  p99Ms: number;
}

export interface WrkOptions {
  url: string;
  /** A file of request paths taken in turn; without it every request is for `url`. */
  pathsFile?: string;
  connections: number;
  durationS: number;
  /** Per-request timeout (a 100 MB download must not count as a timeout). */
  timeoutS?: number;
  core?: number;
  /** Extra request header lines (`Name: value`), e.g. credentials. */
  headers?: string[];
}

/** Runs wrk with one thread (the load generator gets one core) and bench/wrk-report.lua. */
export async function runWrk(opts: WrkOptions): Promise<WrkResult> {
  const argv = pinned(opts.core, [
    'wrk',
    '-t1',
    `-c${opts.connections}`,
    `-d${opts.durationS}s`,
    `--timeout`,
    `${opts.timeoutS ?? 10}s`,
    ...(opts.headers ?? []).flatMap((h) => ['-H', h]),
    '-s',
    join(benchDir, 'wrk-report.lua'),
    opts.url,
  ]);
  const { stdout } = await runCommand(argv, {
    env: { ...process.env, BENCH_PATHS: opts.pathsFile ?? '' },
  });
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (line === undefined) throw new Error(`wrk printed no result:\n${stdout}`);
  const r = JSON.parse(line.slice('BENCH_RESULT '.length)) as Record<string, number>;
  const num = (k: string): number => r[k] ?? 0;
  const durationS = num('durationUs') / 1e6;
  return {
    durationS,
    requests: num('requests'),
    bytes: num('bytes'),
    requestsPerS: num('requests') / durationS,
    bytesPerS: num('bytes') / durationS,
    socketErrors: num('connectErrors') + num('readErrors') + num('writeErrors') + num('timeouts'),
    statusErrors: num('statusErrors'),
    p50Ms: num('p50Us') / 1000,
    p99Ms: num('p99Us') / 1000,
  };
}
