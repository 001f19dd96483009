import { join } from 'node:path';
import { benchDir } from './paths.js';
import { pinned, runCommand } from './run-command.js';

/** What bench/loadgen (the open-loop generator) reports for one fixed-rate run. */
export interface LoadgenResult {
  rate: number;
  durationS: number;
  /** Requests scheduled in the measured window. */
  sent: number;
  /** Of those, answered in full (any status). */
  measured: number;
  failed: number;
  non2xx: number;
  achievedRate: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** How late the generator itself sent its most delayed request (its own health). */
  maxDispatchLagMs: number;
  /** Latency from the request's actual dispatch (without the generator's own timer lag). */
  p50SendMs: number;
  p90SendMs: number;
  p99SendMs: number;
  p999SendMs: number;
  /** Dispatch lag (actual send time - scheduled time): the generator's, not the server's. */
  p50LagMs: number;
  p99LagMs: number;
  /** Answers by status code (warm-up included). */
  statuses: Record<string, number>;
  firstError?: string;
}

/** Builds the Go load generator into `outDir` (standard library only: works offline). */
export async function buildLoadgen(outDir: string): Promise<string> {
  const bin = join(outDir, 'loadgen');
  await runCommand(['go', 'build', '-o', bin, '.'], {
    cwd: join(benchDir, 'loadgen'),
    env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
  });
  return bin;
}

/** Sends the paths of `pathsFile` in turn at `rate` requests/s (after 1 s of warm-up). */
export async function runLoadgen(opts: {
  bin: string;
  baseUrl: string;
  pathsFile: string;
  rate: number;
  durationS: number;
  core?: number;
  /** Writes every measured request to this file (loadgen's -dump: when each was sent, how long it took). */
  dumpFile?: string;
}): Promise<LoadgenResult> {
  const argv = pinned(opts.core, [
    opts.bin,
    '-base',
    opts.baseUrl,
    '-paths',
    opts.pathsFile,
    '-rate',
    String(opts.rate),
    '-duration',
    `${opts.durationS}s`,
    '-conns',
    '64',
    ...(opts.dumpFile === undefined ? [] : ['-dump', opts.dumpFile]),
  ]);
  // One OS thread for Go code: the generator gets one core, like wrk.
  const { stdout } = await runCommand(argv, { env: { ...process.env, GOMAXPROCS: '1' } });
  return JSON.parse(stdout.trim()) as LoadgenResult;
}
