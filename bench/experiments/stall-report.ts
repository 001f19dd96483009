// Lines up a fixed-rate run's slow requests with what the server's event loop was doing:
//
//   node dist/bench/experiments/stall-report.js --events loop-stalls-<pid>.tsv \
//     [--slow-ms 1] [--list 40] DIR/modgate-round1.txt DIR/modgate-round2.txt …
//
// The request files are loadgen's -dump (run.ts --latency-dump); the events file is what
// loop-stalls.ts wrote in the server. For each round: the percentiles from dispatch, how many
// requests took longer than --slow-ms, and what overlapped each of those (from its dispatch to
// its answer): a garbage collection (by kind), a slow timer callback (by name), an event loop
// lag with neither (something else ran long: I/O callbacks, promise jobs, or the process did
// not get the core), or nothing recorded (the wait was elsewhere: the kernel, the client). Then
// the round's events of 1 ms or more, in time order (the first --list). Not product code.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Req {
  sentMs: number;
  latencyMs: number;
}
interface Ev {
  kind: string;
  startMs: number;
  durationMs: number;
  detail: string;
}

const { values, positionals } = parseArgs({
  options: {
    events: { type: 'string' },
    'slow-ms': { type: 'string', default: '1' },
    list: { type: 'string', default: '40' },
  },
  allowPositionals: true,
});
if (values.events === undefined || positionals.length === 0) {
  process.stderr.write(
    'usage: stall-report.js --events EVENTS.tsv [--slow-ms 1] [--list 40] ROUND.txt [ROUND.txt …]\n',
  );
  process.exit(2);
}
const slowMs = Number(values['slow-ms']);
const listMax = Number(values.list);
const events: Ev[] = readFileSync(values.events, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => {
    const [kind = '', start = '0', duration = '0', detail = ''] = l.split('\t');
    return { kind, startMs: Number(start), durationMs: Number(duration), detail };
  })
  .filter((e) => e.kind !== 'cpu');

for (const file of positionals) report(file);

function report(file: string): void {
  const reqs: Req[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [at, lag, latency] = line.split(' ').map(Number);
    if (at === undefined || lag === undefined || latency === undefined || latency < 0) continue;
    reqs.push({ sentMs: (at + lag) / 1e6, latencyMs: latency / 1e6 });
  }
  if (reqs.length === 0) return;
  const sorted = reqs.map((r) => r.latencyMs).sort((a, b) => a - b);
  const pct = (p: number): string =>
    (
      sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0
    ).toFixed(2);
  const first = Math.min(...reqs.map((r) => r.sentMs));
  const last = Math.max(...reqs.map((r) => r.sentMs + r.latencyMs));
  const inRound = events.filter((e) => e.startMs + e.durationMs >= first && e.startMs <= last);
  const slow = reqs.filter((r) => r.latencyMs > slowMs);
  const blame = new Map<string, number>();
  for (const r of slow) {
    const overlapping = inRound.filter(
      (e) => e.startMs <= r.sentMs + r.latencyMs && e.startMs + e.durationMs >= r.sentMs,
    );
    const named = overlapping.filter((e) => e.kind !== 'lag');
    const causes =
      named.length > 0
        ? [...new Set(named.map((e) => `${e.kind} ${e.detail}`))]
        : overlapping.length > 0
          ? ['loop lag, no GC or timer recorded']
          : ['nothing recorded'];
    for (const c of causes) blame.set(c, (blame.get(c) ?? 0) + 1);
  }
  process.stdout.write(
    `${file}: ${reqs.length} requests, p50 ${pct(0.5)} p99 ${pct(0.99)} p99.9 ${pct(0.999)} ` +
      `max ${pct(1)} ms; ${slow.length} over ${slowMs} ms (${((100 * slow.length) / reqs.length).toFixed(2)} %)\n`,
  );
  for (const [cause, n] of [...blame].sort((a, b) => b[1] - a[1])) {
    process.stdout.write(`  ${String(n).padStart(6)} slow requests overlap: ${cause}\n`);
  }
  const long = inRound.filter((x) => x.durationMs >= 1);
  if (long.length > listMax) {
    process.stdout.write(`  (the first ${listMax} of ${long.length} events of 1 ms or more)\n`);
  }
  for (const e of long.slice(0, listMax)) {
    process.stdout.write(
      `  +${((e.startMs - first) / 1000).toFixed(3)} s  ${e.durationMs.toFixed(1).padStart(6)} ms  ${e.kind} ${e.detail}\n`,
    );
  }
}
