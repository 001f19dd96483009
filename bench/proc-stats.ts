import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 on Linux). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system, every thread of the process) of the processes `pids`, in ms, from
 * fields 14 and 15 of /proc/<pid>/stat.
 */
export function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: split after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  }
  return (ticks * 1000) / CLK_TCK;
}

/** A `kB` field of /proc/<pid>/status (VmRSS, VmHWM), summed over `pids`, in bytes. */
export function statusBytes(pids: readonly number[], field: 'VmRSS' | 'VmHWM'): number {
  let kb = 0;
  for (const pid of pids) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    kb += m ? Number(m[1]) : 0;
  }
  return kb * 1024;
}

/** The direct children of `pid` (an nginx master's workers). */
export function childPids(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text === '' ? [] : text.split(/\s+/).map(Number);
  } catch {
    return [];
  }
}

/** Samples VmRSS of `pids` every `everyMs` until stopped. */
export class RssSampler {
  readonly samples: { ms: number; bytes: number }[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly started = Date.now();

  constructor(
    private readonly pids: readonly number[],
    everyMs = 250,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): { ms: number; bytes: number }[] {
    clearInterval(this.timer);
    this.sample();
    return this.samples;
  }

  private sample(): void {
    this.samples.push({ ms: Date.now() - this.started, bytes: statusBytes(this.pids, 'VmRSS') });
  }
}

/**
 * CPU time (user + system) of every thread of `pid`, in ms, summed by thread name
 * (/proc/<pid>/task/<tid>/comm; the main thread is `main`). Node 20.20 names every other
 * thread `node` too: that figure is libuv's thread pool (file system calls, zlib and crypto
 * work) *and* V8's platform workers (concurrent marking and sweeping, TurboFan), which in a
 * cold go-download's zip phase took ~4 times the pool's CPU (`perf record`, bench/README.md).
 */
export function cpuMsByThread(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const name = tid === String(pid) ? 'main' : comm;
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
      out[name] = (out[name] ?? 0) + ms;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** `after - before`, key by key. */
export function diffByKey(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) out[k] = v - (before[k] ?? 0);
  return out;
}
