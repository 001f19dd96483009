// The serving benchmark of `modgate serve` (see bench/README.md, issue 9 item 6): the same
// warmed module tree served by modgate with its default configuration, by nginx at its best
// (no access log, sendfile, open_file_cache), by the same pair with access logs to files, by a
// bare node:http server (Node's floor) and, as a labelled non-default row, by modgate with
// `cache.list_ttl: 24h`; each pinned to one core with the load generators on the other.
// Prints a table with the ratios and the targets (PASS/FAIL) and writes the full
// results to bench/results/<date>T<time>-<commit>.json.
//   npm run bench                        (installs nginx-light and wrk, builds, runs this)
//   node dist/bench/run.js --help
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FixtureProxy } from '../test/support/fixture-proxy.js';
import { benchTree, MIX } from './bench-tree.js';
import { fetchAll } from './fetch-all.js';
import { buildLoadgen } from './loadgen.js';
import {
  latencyRound,
  measureDownload,
  summarizeLatency,
  summarizeThroughput,
  throughputRound,
  type DownloadResult,
  type LatencyRound,
  type ThroughputRound,
} from './measure.js';
import { benchDir, repoRoot } from './paths.js';
import { machineInfo, writeResults } from './write-results.js';
import { statusBytes } from './proc-stats.js';
import {
  checkTargets,
  formatChecks,
  formatTable,
  TARGETS,
  type RatioColumn,
  type ServerResult,
} from './report.js';
import {
  MODGATE_BASE_ENV,
  startBareNode,
  startModgate,
  startNginx,
  type BenchServer,
} from './servers.js';
import { warmUp } from './warm-up.js';

const ALL_SERVERS = ['modgate', 'nginx', 'modgate+log', 'nginx+log', 'node:http', 'modgate-ttl24h'];
/** The measurement phases, in the order they run. */
const ALL_PHASES = ['mixed', 'fixed-rate', 'downloads'];
/** With --base-bin: modgate's row again, run from another build (A/B in the same run). */
const BASE_SERVER = 'modgate-base';
/** The ratio columns of the table; the first two pairs are checked against the targets. */
const RATIOS: RatioColumn[] = [
  { num: 'modgate', den: 'nginx' },
  { num: 'modgate+log', den: 'nginx+log' },
  { num: 'modgate', den: 'node:http' },
  { num: 'modgate-ttl24h', den: 'nginx' },
  { num: 'modgate', den: BASE_SERVER },
];

const HELP = `usage: node dist/bench/run.js [options]
  --duration S      seconds per measurement and server (default 10)
  --rounds N        rounds the mixed-load and fixed-rate measurements are split into,
                    taking the servers in turn (default 5)
  --rate N          fixed request rate of the latency run (default 2000, the issue's target)
  --connections N   wrk connections on the mixed load (default 64)
  --modules N       small modules (default 89)
  --versions N      versions in all, spread over the small modules (default 600)
  --sequence N      requests in the mixed-load sequence (default 20000)
  --big-mib N       MiB of random data in the big zip (default 100)
  --only NAMES      comma-separated subset of ${ALL_SERVERS.join(',')}
  --download-rounds N
                    rounds the downloads phase is split into, taking the servers in turn
                    (default 1: --duration seconds per server at once); the figures are over
                    all rounds
  --phases NAMES    comma-separated subset of ${ALL_PHASES.join(',')} (default all); a skipped
                    phase's rows print NaN or 0 and its targets FAIL, e.g. --phases downloads
                    --only modgate,nginx for a quick A/B of the download path
  --modgate-bin F   another build's bin/modgate.js to measure (A/B comparisons; executed, so
                    its own #! line applies)
  --base-bin F      adds a row ${BASE_SERVER}: the modgate row run from another build's
                    bin/modgate.js, measured in the same rounds (and a modgate/${BASE_SERVER} column)
  --base-node-flags "FLAGS"
                    the node flags of ${BASE_SERVER} (default: those of --modgate-node-flags); with
                    --base-bin bin/modgate.js, an A/B of node flags on one build
  --modgate-node-flags "FLAGS"
                    extra node flags for modgate, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof";
                    without them bin/modgate.js is executed as users run it (its #! line sets
                    the default flags); with them modgate runs as node <the #! line's flags>
                    FLAGS bin/modgate.js, and later flags win (node's defaults:
                    "--max-semi-space-size=16 --no-liftoff-only")
  --modgate-env "K=V …"
                    extra environment of the modgate rows, e.g. "MALLOC_ARENA_MAX=2"
  --base-env "K=V …"
                    the extra environment of ${BASE_SERVER} (default: none); with --base-bin
                    bin/modgate.js, an A/B of an environment setting on one build
  --out FILE        results file (default bench/results/<date>T<time>-<commit>.json; "-" for none)
  --keep            keep the work directory (data, logs, nginx.conf)
  --latency-dump DIR
                    write every fixed-rate request of every round to DIR/<server>-round<N>.txt
                    (loadgen -dump: scheduled time, dispatch lag, latency, path); with
                    --modgate-node-flags=--import=<dist/bench/experiments/loop-stalls.js> and
                    stall-report.js, the slow requests are lined up with modgate's GC and timers
                    (bench/experiments/README-stalls.md)
`;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    rate: { type: 'string', default: String(TARGETS.latencyRate) },
    connections: { type: 'string', default: '64' },
    modules: { type: 'string', default: '89' },
    versions: { type: 'string', default: '600' },
    sequence: { type: 'string', default: '20000' },
    'big-mib': { type: 'string', default: '100' },
    only: { type: 'string', default: ALL_SERVERS.join(',') },
    phases: { type: 'string', default: ALL_PHASES.join(',') },
    'download-rounds': { type: 'string', default: '1' },
    'modgate-bin': { type: 'string' },
    'base-bin': { type: 'string' },
    'base-node-flags': { type: 'string' },
    'modgate-node-flags': { type: 'string', default: '' },
    'modgate-env': { type: 'string', default: '' },
    'base-env': { type: 'string', default: '' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'latency-dump': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const durationS = Number(args.duration);
const connections = Number(args.connections);
const rounds = Number(args.rounds);
const rate = Number(args.rate);
const only = new Set(args.only.split(','));
const phases = new Set(args.phases.split(','));
for (const p of phases) {
  if (!ALL_PHASES.includes(p))
    throw new Error(`unknown phase ${p}: expected ${ALL_PHASES.join(',')}`);
}
const modgateProcess = {
  bin: args['modgate-bin'],
  nodeFlags: args['modgate-node-flags'].split(' ').filter(Boolean),
};
const modgateEnv = envArg(args['modgate-env']);
const baseEnv = envArg(args['base-env']);
const latencyDumpDir = args['latency-dump'];
if (latencyDumpDir !== undefined) await mkdir(latencyDumpDir, { recursive: true });

/** Where loadgen writes a fixed-rate round's requests (--latency-dump), if anywhere. */
function latencyDumpFile(server: string, round: number): string | undefined {
  if (latencyDumpDir === undefined) return undefined;
  return join(latencyDumpDir, `${server.replace(/[^A-Za-z0-9-]/g, '_')}-round${round + 1}.txt`);
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

// Cores: the servers on core 1, wrk / the load generator / this process on core 0.
const pinning = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
const serverCore = pinning ? 1 : undefined;
const clientCore = pinning ? 0 : undefined;
if (pinning) {
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
} else {
  log('WARNING: fewer than 2 cores or no taskset: servers and load generator are not pinned');
}
for (const tool of ['wrk', '/usr/sbin/nginx', 'go']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    throw new Error(`${tool} is missing: run \`npm run bench\` (it installs nginx-light and wrk)`);
  }
}

const started = new Date();
const loadBefore = loadavg();
const workDir = await mkdtemp(join(tmpdir(), 'modgate-bench-'));
const dataDir = join(workDir, 'data');
const servers: BenchServer[] = [];
let interrupted = false;
const onSignal = (): void => {
  if (interrupted) process.exit(130);
  interrupted = true;
  log('interrupted: stopping servers');
  void Promise.all(servers.map((s) => s.stop()))
    .then(() => rm(workDir, { recursive: true, force: true }))
    .finally(() => process.exit(130));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

let completed = false;
let fixture: FixtureProxy | undefined;
try {
  // 1. The module tree, served by a fixture upstream that stays up for the whole run (with
  // its default list TTL of 1 m, modgate refreshes lists from it), warmed through modgate's
  // real path into a data directory.
  const tree = benchTree({
    modules: Number(args.modules),
    versions: Number(args.versions),
    maxZipBytes: 250 * 1024,
    sequenceLength: Number(args.sequence),
    bigBytes: Number(args['big-mib']) * 1024 * 1024,
  });
  const pathsFile = join(workDir, 'mixed-paths.txt');
  await writeFile(pathsFile, tree.mixedPaths.join('\n') + '\n');
  const loadgen = await buildLoadgen(workDir);
  let t = Date.now();
  fixture = await FixtureProxy.create(tree.modules);
  const fixtureSeconds = (Date.now() - t) / 1000;
  log(`fixture upstream built in ${fixtureSeconds.toFixed(1)} s`);
  log(`warming ${tree.allPaths.length} files through modgate from the fixture upstream`);
  const warm = await warmUp(tree, fixture.url, dataDir, serverCore);
  log(`warmed in ${warm.warmSeconds.toFixed(1)} s (${(warm.bytes / 1e6).toFixed(1)} MB)`);
  const bigZipBytes = (await stat(join(dataDir, tree.bigZipPath))).size;
  let distinctBytes = 0;
  for (const p of tree.distinctPaths) distinctBytes += (await stat(join(dataDir, p))).size;
  let zipMax = 0;
  for (const p of tree.distinctPaths.filter((x) => x.endsWith('.zip'))) {
    zipMax = Math.max(zipMax, (await stat(join(dataDir, p))).size);
  }

  // 2. The servers. Each modgate gets its own copy of the warmed data directory (it writes
  // refreshed lists there); nginx and node:http serve the warmed one.
  const logFile = (name: string): string => join(workDir, `${name}-access.log`);
  const modgateDir = async (name: string): Promise<string> => {
    const dir = join(workDir, `data-${name}`);
    await cp(dataDir, dir, { recursive: true });
    return dir;
  };
  t = Date.now();
  const modgateRows: { name: string; accessLog: string | null; env: Record<string, string> }[] = [
    { name: 'modgate', accessLog: null, env: {} },
    { name: 'modgate+log', accessLog: logFile('modgate'), env: {} },
    { name: 'modgate-ttl24h', accessLog: null, env: { MODGATE_CACHE_LIST_TTL: '24h' } },
  ];
  const baseBin = args['base-bin'];
  const baseNodeFlags =
    args['base-node-flags']?.split(' ').filter(Boolean) ?? modgateProcess.nodeFlags;
  const names = baseBin === undefined ? ALL_SERVERS : [...ALL_SERVERS, BASE_SERVER];
  for (const name of names) {
    if (!only.has(name) && name !== BASE_SERVER) continue;
    const mg =
      name === BASE_SERVER
        ? { name, accessLog: null, env: baseEnv }
        : modgateRows.find((r) => r.name === name);
    if (mg) {
      servers.push(
        await startModgate({
          ...mg,
          dataDir: await modgateDir(name),
          upstream: fixture.url,
          core: serverCore,
          ...modgateProcess,
          env: name === BASE_SERVER ? mg.env : { ...mg.env, ...modgateEnv },
          ...(name === BASE_SERVER ? { bin: baseBin, nodeFlags: baseNodeFlags } : {}),
        }),
      );
    } else if (name === 'nginx' || name === 'nginx+log') {
      servers.push(
        await startNginx({
          name,
          workDir,
          dataDir,
          core: serverCore,
          accessLog: name === 'nginx' ? null : logFile('nginx'),
        }),
      );
    } else if (name === 'node:http') {
      servers.push(await startBareNode({ dataDir, core: serverCore }));
    }
  }
  log(`servers started in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const firstFetch: Record<string, Record<string, number>> = {};
  for (const s of servers) {
    const check = await fetchAll(s.url, tree.allPaths, { dataDir });
    if (s.name.startsWith('modgate')) {
      // Everything is cached; lists may already have been refreshed (1 m TTL).
      const hits = check.cache.hit ?? 0;
      if (hits < tree.allPaths.length - tree.distinctPaths.filter(isList).length) {
        throw new Error(`${s.name}: expected cached hits, got ${JSON.stringify(check.cache)}`);
      }
      firstFetch[s.name] = check.cache;
    }
    log(`${s.name} (${s.url}, pids ${s.pids.join(',')}) serves all ${check.requests} files`);
  }

  // 3. Measurements, one phase at a time. The mixed-load and fixed-rate phases run in rounds
  // that take the servers in turn, so that noise from other work on the machine falls on all
  // of them alike; each reports the median of its rounds.
  const roundS = Math.max(1, Math.round(durationS / rounds));
  const mixedRounds = phases.has('mixed') ? rounds : 0;
  const fixedRateRounds = phases.has('fixed-rate') ? rounds : 0;
  for (const s of mixedRounds > 0 ? servers : []) {
    log(`${s.name}: 2 s of unmeasured mixed load (JIT, caches, connections)`);
    await throughputRound(s, { pathsFile, connections, durationS: 2, core: clientCore });
  }
  const tRounds = new Map<string, ThroughputRound[]>(servers.map((s) => [s.name, []]));
  for (let i = 0; i < mixedRounds; i++) {
    for (const s of servers) {
      const r = await throughputRound(s, {
        pathsFile,
        connections,
        durationS: roundS,
        core: clientCore,
      });
      must(tRounds.get(s.name)).push(r);
      log(`mixed load round ${i + 1}/${rounds}: ${s.name} ${r.requestsPerS.toFixed(0)} req/s`);
    }
  }
  const throughput = new Map(
    servers.map((s) => [s.name, summarizeThroughput(must(tRounds.get(s.name)))]),
  );
  const lRounds = new Map<string, LatencyRound[]>(servers.map((s) => [s.name, []]));
  for (let i = 0; i < fixedRateRounds; i++) {
    for (const s of servers) {
      const r = await latencyRound(s, {
        loadgen,
        pathsFile,
        rate,
        durationS: roundS,
        core: clientCore,
        dumpFile: latencyDumpFile(s.name, i),
      });
      must(lRounds.get(s.name)).push(r);
      log(
        `fixed rate ${rate}/s round ${i + 1}/${rounds}: ${s.name} p50 ${r.loadgen.p50SendMs.toFixed(2)} ms, p99 ${r.loadgen.p99SendMs.toFixed(2)} ms (from schedule ${r.loadgen.p99Ms.toFixed(2)}, lag p99 ${r.loadgen.p99LagMs.toFixed(2)})`,
      );
    }
  }
  const latency = new Map(
    servers.map((s) => [s.name, summarizeLatency(must(lRounds.get(s.name)))]),
  );
  const download = new Map<string, DownloadResult>();
  const downloadRounds = Number(args['download-rounds']);
  const downloadS = Math.max(1, Math.round(durationS / downloadRounds));
  for (let i = 0; i < downloadRounds; i++) {
    for (const s of phases.has('downloads') ? servers : []) {
      log(
        `${s.name}: 16 clients downloading ${tree.bigZipPath}, ${downloadS} s (round ${i + 1}/${downloadRounds})`,
      );
      const r = await measureDownload(s, {
        path: tree.bigZipPath,
        durationS: downloadS,
        core: clientCore,
      });
      log(
        `  ${r.megabytesPerS.toFixed(0)} MB/s, ${(r.cpuMsPerGB / 1000).toFixed(3)} CPU s/GB, RSS +${(r.rssGrowthBytes / 1048576).toFixed(1)} MiB`,
      );
      const before = download.get(s.name);
      download.set(s.name, before === undefined ? r : addDownloads(before, r));
    }
  }
  const results: ServerResult[] = servers.map((s) => ({
    name: s.name,
    throughput: must(throughput.get(s.name)),
    latency: must(latency.get(s.name)),
    download: download.get(s.name) ?? skippedDownload(),
    peakRssBytes: statusBytes(s.pids, 'VmHWM'),
  }));
  for (const s of servers.splice(0)) await s.stop();

  // 4. Report.
  const table = formatTable(results, rate, RATIOS);
  const byName = new Map(results.map((r) => [r.name, r]));
  const targets: Record<string, ReturnType<typeof checkTargets>> = {};
  for (const [mgName, ngName] of [
    ['modgate', 'nginx'],
    ['modgate+log', 'nginx+log'],
  ] as const) {
    const mg = byName.get(mgName);
    const ng = byName.get(ngName);
    if (mg && ng) targets[`${mgName} vs ${ngName}`] = checkTargets(mg, ng, rate);
  }
  const pct = (x: number): string => `${Math.round(x * 100)} %`;
  const loadDuring = loadavg();
  process.stdout.write(
    `\nmodgate serving benchmark, ${started.toISOString()}, commit ${sourceCommit()}\n` +
      `mixed load: ${tree.mixedPaths.length} requests over ${tree.distinctPaths.length} distinct URLs ` +
      `(${Number(args.modules)} modules, ${Number(args.versions)} versions; ${pct(MIX.info)} .info, ${pct(MIX.mod)} .mod, ` +
      `${pct(MIX.list)} @v/list, ${pct(MIX.zip)} zips <= ${(zipMax / 1024).toFixed(0)} KiB; ${(distinctBytes / 1e6).toFixed(1)} MB distinct), ` +
      `${connections} connections; big zip ${(bigZipBytes / 1e6).toFixed(1)} MB; ${durationS} s per measurement\n` +
      `modgate: default configuration (list TTL 1 m, refreshed from the fixture upstream) but sumdb.verify false; ` +
      `"modgate" access log off, "modgate+log" access log (default format) to a file; "modgate-ttl24h": NOT default, cache.list_ttl 24h, log off\n` +
      `nginx: sendfile, open_file_cache, 1 worker; "nginx" access_log off, "nginx+log" combined log to a file\n` +
      `load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} before, ${loadDuring.map((x) => x.toFixed(2)).join(' ')} after; ` +
      (pinning ? 'servers on core 1, load generators on core 0\n\n' : 'not pinned\n\n') +
      table +
      '\n\n' +
      Object.entries(targets)
        .map(([title, checks]) => formatChecks(`targets (issue 9), ${title}:`, checks))
        .join('\n') +
      '\n' +
      unsaturatedWarning(results),
  );

  const commit = sourceCommit();
  const stamp = started.toISOString().slice(0, 16).replace(':', '');
  const out = args.out ?? join(benchDir, 'results', `${stamp}-${commit}.json`);
  if (out !== '-') {
    const json = {
      date: started.toISOString(),
      commit,
      machine: machineInfo(loadBefore, loadDuring, {
        nginx: toolVersion('/usr/sbin/nginx', ['-v']),
        wrk: toolVersion('wrk', ['--version']),
        go: toolVersion('go', ['version']),
      }),
      settings: {
        durationS,
        rounds,
        rate,
        connections,
        downloadClients: 16,
        downloadRounds,
        pinned: pinning,
        serverCore,
        clientCore,
        modgateEnv: MODGATE_BASE_ENV,
        modgateRows: modgateRows.map((r) => ({
          name: r.name,
          accessLog: r.accessLog === null ? 'off' : 'file',
          env: r.env,
        })),
        nginx:
          'worker_processes 1, sendfile, tcp_nopush, open_file_cache max=10000 inactive=60s valid 60s; access_log off / combined to a file (nginx+log)',
        modgateBin: args['modgate-bin'] ?? 'bin/modgate.js',
        baseBin: args['base-bin'],
        baseNodeFlags: args['base-node-flags'],
        modgateNodeFlags: modgateProcess.nodeFlags,
        extraModgateEnv: modgateEnv,
        baseEnv,
      },
      tree: {
        smallModules: Number(args.modules),
        versions: Number(args.versions),
        mix: MIX,
        sequenceLength: tree.mixedPaths.length,
        distinctPaths: tree.distinctPaths.length,
        distinctBytes,
        largestSmallZipBytes: zipMax,
        bigZipPath: tree.bigZipPath,
        bigZipBytes,
        fixtureSeconds,
        warmUpSeconds: warm.warmSeconds,
      },
      modgateFirstFetchCache: firstFetch,
      targets,
      table: table.split('\n'),
      servers: results,
    };
    await writeResults(out, json);
    log(`results written to ${out}`);
  }
  completed = true;
} finally {
  for (const s of servers) await s.stop();
  await fixture?.close();
  if (args.keep || !completed) log(`work directory kept: ${workDir}`);
  else await rm(workDir, { recursive: true, force: true });
}

/**
 * A warning when a server's core was not busy in some mixed-load rounds: the load generator
 * (or other work on the machine, which shares its core) set the pace there, so that server's
 * requests/s is a floor and the ratios are not the servers' (CPU ms / 1,000 requests holds up
 * better).
 */
function unsaturatedWarning(results: ServerResult[]): string {
  const low = results.flatMap((r) => {
    const n = r.throughput.rounds.filter((x) => x.cpuMs / 1000 / x.durationS < 0.9).length;
    return n > 0 ? [`${r.name} ${n}/${r.throughput.rounds.length}`] : [];
  });
  return low.length === 0
    ? ''
    : `WARNING: mixed-load rounds with the server core < 90 % busy (${low.join(', ')}): ` +
        'the load generator or other work on the machine set the pace there; requests/s are floors\n';
}

/** `"K=V K2=V2"` as an environment record (the values hold no spaces). */
function envArg(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of text.split(' ').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`expected K=V in an --*-env option, got ${JSON.stringify(pair)}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/**
 * Two download rounds of one server as one: MB/s and CPU per GB over both, RSS as sampled in
 * either (the first round's RSS before); the wrk totals added, its latencies the worse.
 */
function addDownloads(a: DownloadResult, b: DownloadResult): DownloadResult {
  const durationS = a.wrk.durationS + b.wrk.durationS;
  const bytes = a.wrk.bytes + b.wrk.bytes;
  const cpuMs = (a.cpuMsPerGB * a.wrk.bytes + b.cpuMsPerGB * b.wrk.bytes) / 1e9;
  const requests = a.wrk.requests + b.wrk.requests;
  const rssMaxBytes = Math.max(a.rssMaxBytes, b.rssMaxBytes);
  return {
    wrk: {
      durationS,
      requests,
      bytes,
      requestsPerS: requests / durationS,
      bytesPerS: bytes / durationS,
      socketErrors: a.wrk.socketErrors + b.wrk.socketErrors,
      statusErrors: a.wrk.statusErrors + b.wrk.statusErrors,
      p50Ms: Math.max(a.wrk.p50Ms, b.wrk.p50Ms),
      p99Ms: Math.max(a.wrk.p99Ms, b.wrk.p99Ms),
    },
    megabytesPerS: bytes / durationS / 1e6,
    cpuMsPerGB: cpuMs / (bytes / 1e9),
    serverBusy: cpuMs / 1000 / durationS,
    rssBeforeBytes: a.rssBeforeBytes,
    rssSamples: [...a.rssSamples, ...b.rssSamples],
    rssMaxBytes,
    rssGrowthBytes: rssMaxBytes - a.rssBeforeBytes,
  };
}

/** The download figures of a run without the downloads phase: NaN, so no one mistakes them. */
function skippedDownload(): DownloadResult {
  const wrk = {
    durationS: NaN,
    requests: 0,
    bytes: 0,
    requestsPerS: NaN,
    bytesPerS: NaN,
    socketErrors: 0,
    statusErrors: 0,
    p50Ms: NaN,
    p99Ms: NaN,
  };
  return {
    wrk,
    megabytesPerS: NaN,
    cpuMsPerGB: NaN,
    serverBusy: NaN,
    rssBeforeBytes: NaN,
    rssSamples: [],
    rssMaxBytes: NaN,
    rssGrowthBytes: NaN,
  };
}

function isList(path: string): boolean {
  return path.endsWith('/@v/list');
}

function must<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('missing measurement');
  return v;
}

function toolVersion(cmd: string, argv: string[]): string {
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n')[0]?.trim() ?? 'unknown';
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
