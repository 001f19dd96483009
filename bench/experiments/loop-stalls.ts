// A preload for finding what stalls a server's event loop (issue 9: p99 at 2,000 req/s):
//
//   node --import=<repo>/dist/bench/experiments/loop-stalls.js bin/modgate.js serve …
//   node dist/bench/run.js --phases fixed-rate --only modgate,nginx --latency-dump DIR \
//     --modgate-node-flags=--import=$PWD/dist/bench/experiments/loop-stalls.js
//
// It records, with wall-clock times (ms since the epoch, as loadgen's -dump):
// - every garbage collection (perf_hooks 'gc' entries: scavenge, mark-compact, incremental
//   marking steps, weak callbacks) and how long it took on the main thread;
// - every timer or immediate callback (setTimeout, setInterval, setImmediate) that ran longer
//   than 0.3 ms, named by its function;
// - the event loop's lag: a 5 ms interval timer that fires more than 2 ms late (0 in
//   LOOP_STALLS_TICK_MS turns it off: it wakes the loop 200 times a second);
// - the process's CPU milliseconds per 100 ms.
// It writes them as tab-separated lines (kind, start ms, duration ms, detail) to
// LOOP_STALLS_OUT (default: loop-stalls-<pid>.tsv in the system's temporary directory) when
// the process exits and on SIGUSR2. stall-report.ts lines them up with loadgen's dumps.
// Not product code: nothing in src/ imports it.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { constants } from 'node:perf_hooks';

type Event = [kind: string, startMs: number, durationMs: number, detail: string];

const events: Event[] = [];
const origin = performance.timeOrigin;
const wall = (t: number): number => Math.round((origin + t) * 1000) / 1000;
const out = process.env.LOOP_STALLS_OUT ?? join(tmpdir(), `loop-stalls-${process.pid}.tsv`);
const SLOW_CALLBACK_MS = 0.3;

const GC_KINDS = new Map<number, string>([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'scavenge'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'mark-compact'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weak-callbacks'],
]);

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1;
    events.push(['gc', wall(e.startTime), e.duration, GC_KINDS.get(kind) ?? String(kind)]);
  }
}).observe({ entryTypes: ['gc'] });

/** Replaces a global scheduling function by one whose callbacks are timed. */
function timeCallbacks(name: 'setTimeout' | 'setInterval' | 'setImmediate'): void {
  const g = globalThis as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = g[name];
  if (original === undefined) return;
  g[name] = function (this: unknown, fn: unknown, ...rest: unknown[]): unknown {
    if (typeof fn !== 'function') return original.call(this, fn, ...rest);
    const callback = fn as (...a: unknown[]) => unknown;
    const timed = function (this: unknown, ...a: unknown[]): unknown {
      const s = performance.now();
      try {
        return callback.apply(this, a);
      } finally {
        const d = performance.now() - s;
        if (d > SLOW_CALLBACK_MS) {
          const label = callback.name !== '' ? callback.name : String(callback).slice(0, 80);
          events.push(['callback', wall(s), d, `${name}: ${label.replace(/\s+/g, ' ')}`]);
        }
      }
    };
    return original.call(this, timed, ...rest);
  };
}
timeCallbacks('setTimeout');
timeCallbacks('setInterval');
timeCallbacks('setImmediate');

const tickMs = Number(process.env.LOOP_STALLS_TICK_MS ?? '5');
if (tickMs > 0) {
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - tickMs;
    if (late > 2) events.push(['lag', wall(last + tickMs), late, '']);
    last = now;
  }, tickMs).unref();
}

let lastCpu = process.cpuUsage();
let lastAt = performance.now();
setInterval(() => {
  const cpu = process.cpuUsage();
  const now = performance.now();
  const ms = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
  events.push(['cpu', wall(lastAt), now - lastAt, ms.toFixed(1)]);
  lastCpu = cpu;
  lastAt = now;
}, 100).unref();

function write(): void {
  const text = events.map((e) => e.join('\t')).join('\n');
  writeFileSync(out, text === '' ? '' : `${text}\n`);
}
process.on('SIGUSR2', write);
process.on('exit', write);
