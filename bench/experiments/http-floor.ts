// Experiment (issue 9 item 6), not product code: how many cached mixed requests/s Node.js can
// serve at all, next to nginx at its best, in one run. The floor servers answer the bench's
// corpus from memory with no logic of their own:
//   node:http  bench/bare-server.ts (a Map lookup and res.end(buffer))
//   node:net   bench/experiments/net-server.ts (a hand-cut HTTP/1.1 parser, prepared answers)
//   net+http   the same with `handover`: strict checks, anything not simple goes to node:http
//   uws        bench/experiments/uws-server.ts, only with --uws-module DIR (see README.md)
// and, with --modgate, modgate itself (defaults, access log off, as `npm run bench`).
// Same corpus, mixed load, pinning (servers on core 1, wrk/loadgen on core 0) and helpers as
// bench/run.ts; the servers are taken in turn in each round. See bench/experiments/README.md.
//   node dist/bench/experiments/http-floor.js [--rounds 5] [--round-s 2] [--modgate] [--no-latency]
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FixtureProxy } from '../../test/support/fixture-proxy.js';
import { benchTree } from '../bench-tree.js';
import { fetchAll } from '../fetch-all.js';
import { buildLoadgen } from '../loadgen.js';
import {
  latencyRound,
  median,
  summarizeLatency,
  summarizeThroughput,
  throughputRound,
  type LatencyResult,
  type LatencyRound,
  type ThroughputResult,
  type ThroughputRound,
} from '../measure.js';
import { benchDir, repoRoot } from '../paths.js';
import { startBareNode, startModgate, startNginx, type BenchServer } from '../servers.js';
import { warmUp } from '../warm-up.js';
import { machineInfo, writeResults } from '../write-results.js';
import { startScript } from './start-script.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'round-s': { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
    rate: { type: 'string', default: '2000' },
    'no-latency': { type: 'boolean', default: false },
    modgate: { type: 'boolean', default: false },
    'uws-module': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(
    'usage: node dist/bench/experiments/http-floor.js [--rounds N] [--round-s S] [--connections N]\n' +
      '         [--rate N] [--no-latency] [--modgate] [--uws-module DIR] [--out FILE|-]\n',
  );
  process.exit(0);
}
const rounds = Number(args.rounds);
const roundS = Number(args['round-s']);
const connections = Number(args.connections);
const rate = Number(args.rate);

function log(msg: string): void {
  process.stderr.write(`[http-floor] ${msg}\n`);
}

const pinning = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
const serverCore = pinning ? 1 : undefined;
const clientCore = pinning ? 0 : undefined;
if (pinning) execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)]);
else log('WARNING: fewer than 2 cores or no taskset: nothing is pinned');

const started = new Date();
const loadBefore = loadavg();
const workDir = await mkdtemp(join(tmpdir(), 'modgate-http-floor-'));
const dataDir = join(workDir, 'data');
const servers: BenchServer[] = [];
let fixture: FixtureProxy | undefined;
try {
  // The bench's corpus and mixed load (bench/run.ts defaults), without the 100 MiB module.
  const tree = benchTree({
    modules: 89,
    versions: 600,
    maxZipBytes: 250 * 1024,
    sequenceLength: 20_000,
    bigBytes: 1024,
  });
  const pathsFile = join(workDir, 'mixed-paths.txt');
  await writeFile(pathsFile, tree.mixedPaths.join('\n') + '\n');
  const loadgen = args['no-latency'] ? '' : await buildLoadgen(workDir);
  fixture = await FixtureProxy.create(tree.modules);
  log(`warming ${tree.allPaths.length} files through modgate`);
  await warmUp(tree, fixture.url, dataDir, serverCore);

  const experiments = join(repoRoot, 'dist', 'bench', 'experiments');
  servers.push(await startNginx({ workDir, dataDir, core: serverCore, accessLog: null }));
  servers.push(await startBareNode({ dataDir, core: serverCore }));
  servers.push(
    await startScript({
      name: 'node:net',
      script: join(experiments, 'net-server.js'),
      dataDir,
      core: serverCore,
    }),
  );
  servers.push(
    await startScript({
      name: 'net+http',
      script: join(experiments, 'net-server.js'),
      dataDir,
      core: serverCore,
      extraArgs: ['handover'],
    }),
  );
  const uwsModule = args['uws-module'];
  if (uwsModule !== undefined) {
    servers.push(
      await startScript({
        name: 'uws',
        script: join(experiments, 'uws-server.js'),
        dataDir,
        core: serverCore,
        extraArgs: [uwsModule],
      }),
    );
  }
  if (args.modgate) {
    const dir = join(workDir, 'data-modgate');
    await cp(dataDir, dir, { recursive: true });
    servers.push(
      await startModgate({
        dataDir: dir,
        upstream: fixture.url,
        accessLog: null,
        core: serverCore,
      }),
    );
  }
  for (const s of servers) {
    await fetchAll(s.url, tree.distinctPaths, { dataDir });
    log(`${s.name} (${s.url}) serves all ${tree.distinctPaths.length} files with their sizes`);
  }

  for (const s of servers) {
    await throughputRound(s, { pathsFile, connections, durationS: 2, core: clientCore });
  }
  const tRounds = new Map<string, ThroughputRound[]>(servers.map((s) => [s.name, []]));
  for (let i = 0; i < rounds; i++) {
    for (const s of servers) {
      const r = await throughputRound(s, {
        pathsFile,
        connections,
        durationS: roundS,
        core: clientCore,
      });
      tRounds.get(s.name)?.push(r);
      const busy = r.cpuMs / 10 / r.durationS;
      log(
        `round ${i + 1}: ${s.name} ${r.requestsPerS.toFixed(0)} req/s, ${busy.toFixed(0)} % busy`,
      );
    }
  }
  const lRounds = new Map<string, LatencyRound[]>(servers.map((s) => [s.name, []]));
  if (loadgen !== '') {
    for (let i = 0; i < rounds; i++) {
      for (const s of servers) {
        const r = await latencyRound(s, {
          loadgen,
          pathsFile,
          rate,
          durationS: roundS,
          core: clientCore,
        });
        lRounds.get(s.name)?.push(r);
      }
    }
  }
  const loadAfter = loadavg();
  const results = servers.map((s) => ({
    name: s.name,
    throughput: summarizeThroughput(tRounds.get(s.name) ?? []),
    latency: loadgen === '' ? null : summarizeLatency(lRounds.get(s.name) ?? []),
  }));
  for (const s of servers.splice(0)) await s.stop();

  const table = formatTable(results, rate);
  const commit = sourceCommit();
  process.stdout.write(
    `\nhttp floor experiment, ${started.toISOString()}, commit ${commit}; ` +
      `${rounds} rounds of ${roundS} s, ${connections} connections, bench mixed load\n` +
      `load average ${fmtLoad(loadBefore)} before, ${fmtLoad(loadAfter)} after; ` +
      (pinning ? 'servers on core 1, load generators on core 0\n\n' : 'not pinned\n\n') +
      table +
      '\n',
  );
  const stamp = started.toISOString().slice(0, 16).replace(':', '');
  const out =
    args.out ?? join(benchDir, 'results', 'experiments', `http-floor-${stamp}-${commit}.json`);
  if (out !== '-') {
    await writeResults(out, {
      date: started.toISOString(),
      commit,
      machine: machineInfo(loadBefore, loadAfter),
      settings: { rounds, roundS, connections, rate, pinned: pinning, uwsModule },
      table: table.split('\n'),
      servers: results,
    });
    log(`results written to ${out}`);
  }
} finally {
  for (const s of servers) await s.stop();
  await fixture?.close();
  await rm(workDir, { recursive: true, force: true });
}

interface FloorResult {
  name: string;
  throughput: ThroughputResult;
  latency: LatencyResult | null;
}

/** One column per server, then one ratio column per server against nginx. */
function formatTable(results: FloorResult[], rate: number): string {
  const nginx = results.find((r) => r.name === 'nginx');
  const others = results.filter((r) => r !== nginx);
  const rows: [string, (r: FloorResult) => number | undefined, number][] = [
    ['requests/s, cached mixed (median)', (r) => r.throughput.requestsPerS, 0],
    ['  lowest round', (r) => Math.min(...r.throughput.rounds.map((x) => x.requestsPerS)), 0],
    ['  highest round', (r) => Math.max(...r.throughput.rounds.map((x) => x.requestsPerS)), 0],
    ['server core busy %', (r) => r.throughput.serverBusy * 100, 0],
    ['server CPU ms / 1,000 req', (r) => r.throughput.cpuMsPer1000, 1],
    // What one saturated core would serve at this CPU cost: the figure that other work on the
    // machine disturbs least (a busy machine leaves the servers idle, not slower per request).
    ['req/s per core (1e6 / CPU us per req)', (r) => 1e6 / r.throughput.cpuMsPer1000, 0],
    [
      'rounds >= 90 % busy',
      (r) => r.throughput.rounds.filter((x) => x.cpuMs / 1000 / x.durationS >= 0.9).length,
      0,
    ],
    [`p50 ms @ ${rate} req/s`, (r) => r.latency?.p50Ms, 2],
    [`p99 ms @ ${rate} req/s`, (r) => r.latency?.p99Ms, 2],
    [`server CPU ms / 1,000 req @ ${rate}/s`, (r) => r.latency?.cpuMsPer1000, 1],
  ];
  const heads = [...results.map((r) => r.name), ...others.map((r) => `${r.name}/nginx`)];
  const width = Math.max(...rows.map((r) => r[0].length));
  const cell = (s: string, h: string): string => s.padStart(Math.max(h.length, 8));
  const lines = [' '.repeat(width) + heads.map((h) => '  ' + cell(h, h)).join('')];
  for (const [label, get, digits] of rows) {
    const values = results.map((r) => get(r));
    if (values.every((v) => v === undefined)) continue;
    const ng = nginx === undefined ? undefined : get(nginx);
    const ratios = others.map((r) => {
      const v = get(r);
      return v === undefined || ng === undefined || ng === 0 ? '' : (v / ng).toFixed(2);
    });
    const texts = [...values.map((v) => (v === undefined ? '' : v.toFixed(digits))), ...ratios];
    lines.push(label.padEnd(width) + texts.map((t, i) => '  ' + cell(t, heads[i] ?? '')).join(''));
  }
  return lines.join('\n') + '\n' + sameRoundRatios(results);
}

/**
 * Per-round ratios to nginx, over the rounds where both servers kept their core >= 90 % busy
 * (so neither was paced by the load generator or starved by other work): median, range, count.
 */
function sameRoundRatios(results: FloorResult[]): string {
  const nginx = results.find((r) => r.name === 'nginx');
  if (nginx === undefined) return '';
  const busy = (x: ThroughputRound): boolean => x.cpuMs / 1000 / x.durationS >= 0.9;
  const lines = ['requests/s / nginx in the same round, rounds with both >= 90 % busy:'];
  for (const r of results) {
    if (r === nginx) continue;
    const ratios = r.throughput.rounds.flatMap((x, i) => {
      const n = nginx.throughput.rounds[i];
      return n !== undefined && busy(x) && busy(n) ? [x.requestsPerS / n.requestsPerS] : [];
    });
    lines.push(
      ratios.length === 0
        ? `  ${r.name}: no such round`
        : `  ${r.name}: median ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-` +
            `${Math.max(...ratios).toFixed(2)}, ${ratios.length} of ${r.throughput.rounds.length} rounds)`,
    );
  }
  return lines.join('\n');
}

function fmtLoad(l: number[]): string {
  return l.map((x) => x.toFixed(2)).join(' ');
}

/** The measured source: the short commit, with `-dirty` when the working tree has changes. */
function sourceCommit(): string {
  const git = (argv: string[]): string => {
    const r = spawnSync('git', argv, { cwd: repoRoot, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : '';
  };
  const sha = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  return git(['status', '--porcelain']) === '' ? sha : `${sha}-dirty`;
}
