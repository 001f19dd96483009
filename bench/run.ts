// The serving benchmark of `modgate serve` (see bench/README.md): the same warmed module tree
// served by modgate, by nginx and by a bare node:http server, each pinned to one core with
// the load generators on the other. Prints a table with the modgate/nginx ratios and writes
// the full results to bench/results/<date>T<time>-<commit>.json.
//   npm run bench                        (installs nginx-light and wrk, builds, runs this)
//   node dist/bench/run.js --help
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchTree } from './bench-tree.js';
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
import { statusBytes } from './proc-stats.js';
import { formatTable, TARGETS, type ServerResult } from './report.js';
import { startBareNode, startModgate, startNginx, type BenchServer } from './servers.js';
import { warmUp } from './warm-up.js';

const HELP = `usage: node dist/bench/run.js [options]
  --duration S      seconds per measurement and server (default 10)
  --rounds N        rounds the mixed-load and fixed-rate measurements are split into,
                    taking the servers in turn (default 5)
  --rate N          fixed request rate of the latency run (default: half the lowest
                    requests/s measured on the mixed load, rounded to 2 digits)
  --connections N   wrk connections on the mixed load (default 64)
  --modules N       small modules (default 200)
  --versions N      versions per small module (default 3)
  --big-mib N       MiB of random data in the big zip (default 100)
  --access-log M    "file" (modgate's and nginx's access logs to files, the default) or "off"
  --only NAMES      comma-separated subset of modgate,nginx,node:http
  --modgate-bin F   another build's bin/modgate.js to measure (A/B comparisons)
  --modgate-node-flags "FLAGS"
                    extra node flags for modgate, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  --out FILE        results file (default bench/results/<date>T<time>-<commit>.json; "-" for none)
  --keep            keep the work directory (data, logs, nginx.conf)
`;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    rate: { type: 'string' },
    connections: { type: 'string', default: '64' },
    modules: { type: 'string', default: '200' },
    versions: { type: 'string', default: '3' },
    'big-mib': { type: 'string', default: '100' },
    'access-log': { type: 'string', default: 'file' },
    only: { type: 'string', default: 'modgate,nginx,node:http' },
    'modgate-bin': { type: 'string' },
    'modgate-node-flags': { type: 'string', default: '' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
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
const accessLog = args['access-log'];
if (accessLog !== 'file' && accessLog !== 'off') throw new Error('--access-log: file or off');
const only = new Set(args.only.split(','));
const modgateProcess = {
  bin: args['modgate-bin'],
  nodeFlags: args['modgate-node-flags'].split(' ').filter(Boolean),
};

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
try {
  // 1. The module tree, warmed through modgate's real path.
  const tree = benchTree({
    modules: Number(args.modules),
    versions: Number(args.versions),
    bigBytes: Number(args['big-mib']) * 1024 * 1024,
  });
  const pathsFile = join(workDir, 'mixed-paths.txt');
  await writeFile(pathsFile, tree.mixedPaths.join('\n') + '\n');
  const loadgen = await buildLoadgen(workDir);
  log(`warming ${tree.allPaths.length} files through modgate from a fixture upstream`);
  const warm = await warmUp(tree, dataDir, serverCore);
  log(
    `fixture built in ${warm.fixtureSeconds.toFixed(1)} s, warmed in ${warm.warmSeconds.toFixed(1)} s (${(warm.bytes / 1e6).toFixed(1)} MB)`,
  );
  const bigZipBytes = (await stat(join(dataDir, tree.bigZipPath))).size;
  const mixedBytes = warm.bytes - bigZipBytes;

  // 2. The three servers over the same data directory, each checked to serve every file.
  const logFile = (name: string): string | null =>
    accessLog === 'file' ? join(workDir, `${name}-access.log`) : null;
  if (only.has('modgate')) {
    servers.push(
      await startModgate({
        dataDir,
        upstream: 'off',
        core: serverCore,
        ...modgateProcess,
        accessLog: logFile('modgate'),
      }),
    );
  }
  if (only.has('nginx')) {
    servers.push(
      await startNginx({ workDir, dataDir, core: serverCore, accessLog: logFile('nginx') }),
    );
  }
  if (only.has('node:http')) servers.push(await startBareNode({ dataDir, core: serverCore }));
  for (const s of servers) {
    const check = await fetchAll(s.url, tree.allPaths, { dataDir });
    if (s.name === 'modgate' && check.cache.hit !== tree.allPaths.length) {
      throw new Error(`modgate: expected only cached hits, got ${JSON.stringify(check.cache)}`);
    }
    log(`${s.name} (${s.url}, pids ${s.pids.join(',')}) serves all ${check.requests} files`);
  }

  // 3. Measurements, one phase at a time. The mixed-load and fixed-rate phases run in rounds
  // that take the servers in turn, so that noise from other work on the machine falls on all
  // of them alike; each reports the median of its rounds.
  const roundS = Math.max(1, Math.round(durationS / rounds));
  for (const s of servers) {
    log(`${s.name}: 2 s of unmeasured mixed load (JIT, caches, connections)`);
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
      must(tRounds.get(s.name)).push(r);
      log(`mixed load round ${i + 1}/${rounds}: ${s.name} ${r.requestsPerS.toFixed(0)} req/s`);
    }
  }
  const throughput = new Map(
    servers.map((s) => [s.name, summarizeThroughput(must(tRounds.get(s.name)))]),
  );
  const rate =
    args.rate !== undefined
      ? Number(args.rate)
      : roundTo2Digits(0.5 * Math.min(...[...throughput.values()].map((t) => t.requestsPerS)));
  const lRounds = new Map<string, LatencyRound[]>(servers.map((s) => [s.name, []]));
  for (let i = 0; i < rounds; i++) {
    for (const s of servers) {
      const r = await latencyRound(s, {
        loadgen,
        pathsFile,
        rate,
        durationS: roundS,
        core: clientCore,
      });
      must(lRounds.get(s.name)).push(r);
      log(
        `fixed rate ${rate}/s round ${i + 1}/${rounds}: ${s.name} p50 ${r.loadgen.p50Ms.toFixed(2)} ms, p99 ${r.loadgen.p99Ms.toFixed(2)} ms`,
      );
    }
  }
  const latency = new Map(
    servers.map((s) => [s.name, summarizeLatency(must(lRounds.get(s.name)))]),
  );
  const download = new Map<string, DownloadResult>();
  for (const s of servers) {
    log(`${s.name}: 16 clients downloading ${tree.bigZipPath}, ${durationS} s`);
    const r = await measureDownload(s, {
      path: tree.bigZipPath,
      durationS,
      core: clientCore,
    });
    log(
      `  ${r.megabytesPerS.toFixed(0)} MB/s, RSS +${(r.rssGrowthBytes / 1048576).toFixed(1)} MiB`,
    );
    download.set(s.name, r);
  }
  const results: ServerResult[] = servers.map((s) => ({
    name: s.name,
    throughput: must(throughput.get(s.name)),
    latency: must(latency.get(s.name)),
    download: must(download.get(s.name)),
    peakRssBytes: statusBytes(s.pids, 'VmHWM'),
  }));
  for (const s of servers.splice(0)) await s.stop();

  // 4. Report.
  const table = formatTable(results, rate);
  const byName = new Map(results.map((r) => [r.name, r]));
  const mg = byName.get('modgate');
  const ng = byName.get('nginx');
  const targets =
    mg && ng
      ? {
          requestsRatio: mg.throughput.requestsPerS / ng.throughput.requestsPerS,
          requestsRatioMin: TARGETS.minRequestsRatio,
          requestsRatioMet:
            mg.throughput.requestsPerS / ng.throughput.requestsPerS >= TARGETS.minRequestsRatio,
          rssGrowthBytes: mg.download.rssGrowthBytes,
          rssGrowthMaxBytes: TARGETS.maxRssGrowthBytes,
          memoryFlat: mg.download.rssGrowthBytes <= TARGETS.maxRssGrowthBytes,
        }
      : null;
  process.stdout.write(
    `\nmodgate serving benchmark, ${started.toISOString()}\n` +
      `${tree.mixedPaths.length} mixed paths (${tree.mixedPaths.length / (1 + 3 * Number(args.versions))} modules: list, .info, .mod, .zip; ` +
      `${(mixedBytes / tree.mixedPaths.length / 1024).toFixed(1)} KiB average), big zip ${(bigZipBytes / 1e6).toFixed(1)} MB; ` +
      `${durationS} s per measurement; access logs: ${accessLog === 'file' ? 'to files' : 'off'}; ` +
      (pinning ? 'servers on core 1, load generators on core 0\n\n' : 'not pinned\n\n') +
      table +
      '\n\n',
  );
  if (targets) {
    process.stdout.write(
      `target: modgate >= ${TARGETS.minRequestsRatio} x nginx requests/s (cached hits): ` +
        `${targets.requestsRatio.toFixed(2)} ${targets.requestsRatioMet ? 'MET' : 'MISSED'}\n` +
        `target: memory flat while 16 clients download the big zip (RSS growth <= ` +
        `${TARGETS.maxRssGrowthBytes / 1048576} MiB): +${(targets.rssGrowthBytes / 1048576).toFixed(1)} MiB ` +
        `${targets.memoryFlat ? 'MET' : 'MISSED'}\n`,
    );
  }

  const commit = sourceCommit();
  const stamp = started.toISOString().slice(0, 16).replace(':', '');
  const out = args.out ?? join(benchDir, 'results', `${stamp}-${commit}.json`);
  if (out !== '-') {
    const json = {
      date: started.toISOString(),
      commit,
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? 'unknown',
        loadavgBefore: loadBefore,
        loadavgAfter: loadavg(),
        node: process.version,
        nginx: toolVersion('/usr/sbin/nginx', ['-v']),
        wrk: toolVersion('wrk', ['--version']),
        go: toolVersion('go', ['version']),
      },
      settings: {
        durationS,
        rounds,
        rate,
        rateChosen: args.rate === undefined ? 'half the lowest mixed-load requests/s' : 'flag',
        connections,
        downloadClients: 16,
        accessLog,
        pinned: pinning,
        serverCore,
        clientCore,
        modgateEnv: {
          MODGATE_CACHE_LIST_TTL: '24h',
          MODGATE_LOG_FORMAT: 'json',
          MODGATE_SUMDB_VERIFY: 'false',
        },
        modgateBin: args['modgate-bin'] ?? 'bin/modgate.js',
        modgateNodeFlags: modgateProcess.nodeFlags,
      },
      tree: {
        smallModules: Number(args.modules),
        versionsPerModule: Number(args.versions),
        mixedPaths: tree.mixedPaths.length,
        mixedBytes,
        bigZipPath: tree.bigZipPath,
        bigZipBytes,
        warmUpSeconds: warm.warmSeconds,
      },
      targets,
      table: table.split('\n'),
      servers: results,
    };
    await mkdir(join(out, '..'), { recursive: true });
    await writeFile(out, JSON.stringify(json, null, 2) + '\n');
    spawnSync(join(repoRoot, 'node_modules', '.bin', 'prettier'), [
      '--write',
      '--log-level',
      'warn',
      out,
    ]);
    log(`results written to ${out}`);
  }
  completed = true;
} finally {
  for (const s of servers) await s.stop();
  if (args.keep || !completed) log(`work directory kept: ${workDir}`);
  else await rm(workDir, { recursive: true, force: true });
}

function roundTo2Digits(n: number): number {
  const p = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.max(1, Math.floor(n / p) * p);
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
