// What users wait for (issue 9 item 6, DESIGN.md §7): the real `go mod download` of a go.mod
// that requires 100 generated modules, timed
//   - straight from a static file server (nginx, the same generated configuration as in the
//     serving bench: sendfile, open_file_cache, no access log) serving the GOPROXY tree;
//   - through a COLD modgate (fresh data directory, fresh process) whose upstream is that
//     nginx: every file is fetched, verified (zip rules, h1: hash) and stored on the way;
//   - through the same modgate WARM right after (everything cached, fresh module cache).
//   - (a second, labelled row, not the headline) `cold-jit-warm`: through another fresh
//     modgate that first served an unmeasured `go mod download` of 100 other modules (same
//     sizes, paths gowarmup.example/...): the cold *cache* cost of a long-running server, its
//     JIT and heap warmed, against the headline's fresh process (--no-jit-row leaves it out).
//   - `floor`: through the thinnest Node proxy (passthrough-proxy.ts: a fresh node:http process
//     per round on the servers' core, that GETs each path from the nginx through a keep-alive
//     Agent and streams status, type, length and body back — no storage, no checks, no cache,
//     no logging), and `floor-lookup`: the same, each `.mod` also waiting for its version's
//     lookup in the local checksum database (the one round trip verification cannot skip;
//     the answer is not checked). They bound what any Node proxy can reach in this setup:
//     cold's distance to `floor` is modgate's own, `floor`'s to static is Node's and the
//     extra hop's (--no-floor-row leaves both out; without the database there is no
//     floor-lookup). --floor-jit-warm adds `floor-jit-warm` (and `floor-lookup-jit-warm`): a
//     second run through the same pass-through process, its JIT warmed by the first.
// Rounds interleave the rows (static, floor, floor-lookup, cold, warm, cold-jit-warm), each
// `go mod download` with a fresh GOMODCACHE; the medians are compared with the targets
// cold <= 1.15 x and warm <= 1.03 x the static time, and modgate's CPU seconds per cold run
// (utime + stime from /proc/<pid>/stat) are printed, and the pass-through's per floor run.
//   npm run bench:go-download
//   node dist/bench/go-download.js --rounds 5 "--modgate-node-flags=--cpu-prof --cpu-prof-dir=/tmp/p"
//   node dist/bench/go-download.js --base-bin /tmp/base/bin/modgate.js   (A/B: cold-base and
//     warm-base rows from another build, in the same rounds, taking turns with this one)
//
// modgate runs with its default configuration except listen, data_dir, upstream (the nginx) and
// the checksum database it verifies against: as by default (`sumdb.verify: true`), every `.mod`
// and `.zip` it fetches is looked up in a checksum database and refused unless its `h1:` matches
// — not sum.golang.org (the generated modules are in no public database, and none is reachable
// here) but a local one: another modgate process with its own database switched on
// (`sumdb.server.enabled`, upstream the same nginx, on the servers' core), in which every measured
// version was looked up once before the rounds (so it has logged them), its GOSUMDB value given to
// the measured modgates as `sumdb.databases`. A cold modgate thus pays what it pays by default:
// one lookup per version and the signed tree head and tiles it needs, over HTTP. `--no-sumdb`
// runs without it (`sumdb.verify: false`, as this bench did before).
// The go command: GOPROXY=<server> (no `direct` fallback), GOSUMDB=off (go 1.19 then checks no
// sums: the generated modules are in no database; GONOSUMDB/GOPRIVATE are not needed once it is
// off, and GOINSECURE only concerns direct VCS fetches, not an http:// GOPROXY),
// GOFLAGS=-mod=mod -modcacherw (so each run's module cache can be removed), its own HOME,
// GOPATH, GOCACHE and GOMODCACHE (on disk, or on tmpfs with --modcache-tmpfs: extracting the
// zips is the client's work, the same for every server; without it the ratios grow). `sync`
// runs before each timed run: without it the writeback of earlier runs and clean-ups landed in
// later ones and single runs varied 3x. Servers on core 1, the go command on core 0 (like the
// serving bench).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FixtureProxy, escapePath, type FixtureModule } from '../test/support/fixture-proxy.js';
import { GoSandbox } from '../test/support/go-sandbox.js';
import { goDownloadCorpus } from './go-download-corpus.js';
import { median } from './measure.js';
import { benchDir, repoRoot } from './paths.js';
import { machineInfo, writeResults } from './write-results.js';
import { cpuMs, cpuMsByThread, diffByKey, statusBytes } from './proc-stats.js';
import { pinned, runCommand } from './run-command.js';
import {
  MODGATE_BASE_ENV,
  startModgate,
  startNginx,
  startPassthrough,
  type BenchServer,
} from './servers.js';

const TARGET_COLD = 1.15;
const TARGET_WARM = 1.03;

const { values: args } = parseArgs({
  options: {
    modules: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
    'min-kib': { type: 'string', default: '4' },
    'max-mib': { type: 'string', default: '10' },
    'modcache-tmpfs': { type: 'boolean', default: false },
    'modgate-bin': { type: 'string' },
    'base-bin': { type: 'string' },
    'modgate-node-flags': { type: 'string', default: '' },
    'no-jit-row': { type: 'boolean', default: false },
    'no-floor-row': { type: 'boolean', default: false },
    'floor-jit-warm': { type: 'boolean', default: false },
    'go-x': { type: 'boolean', default: false },
    'no-sumdb': { type: 'boolean', default: false },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(
    'usage: node dist/bench/go-download.js [--modules 100] [--rounds 5] [--min-kib 4] [--max-mib 10]\n' +
      '  [--modcache-tmpfs] [--modgate-bin F] [--base-bin F] [--modgate-node-flags "FLAGS"]\n' +
      '  [--no-jit-row] [--no-floor-row] [--floor-jit-warm] [--go-x] [--no-sumdb]\n' +
      '  [--out FILE|-] [--keep]\n',
  );
  process.exit(0);
}
const moduleCount = Number(args.modules);
const rounds = Number(args.rounds);
const nodeFlags = args['modgate-node-flags'].split(' ').filter(Boolean);

function log(msg: string): void {
  process.stderr.write(`[go-download] ${msg}\n`);
}

/** The processes whose CPU a cold run is charged as upstream: nginx (and the local sumdb). */
const upstreamPids: number[] = [];
const pinning = availableParallelism() >= 2 && (await commandWorks(['taskset', '-V']));
const serverCore = pinning ? 1 : undefined;
const clientCore = pinning ? 0 : undefined;
if (pinning) await runCommand(['taskset', '-a', '-p', '-c', '0', String(process.pid)]);

/** The corpus (go-download-corpus.ts) at this run's sizes, under `host`. */
function corpus(host = 'gobench.example'): FixtureModule[] {
  const min = Number(args['min-kib']) * 1024;
  const max = Number(args['max-mib']) * 1024 * 1024;
  return goDownloadCorpus(moduleCount, min, max, host);
}

interface GoRun {
  seconds: number;
  /** CPU ms of the serving process(es) during the run. */
  serverCpuMs: number;
  /** CPU ms of the upstream nginx during the run (cold runs). */
  upstreamCpuMs?: number;
  /** modgate's CPU ms during the run by thread name (main `node`, `libuv-worker`, V8's). */
  threadsCpuMs?: Record<string, number>;
}

const started = new Date();
const loadBefore = loadavg();
const workDir = await mkdtemp(join(tmpdir(), 'modgate-go-download-'));
const servers: BenchServer[] = [];
let fixture: FixtureProxy | undefined;
let sandbox: GoSandbox | undefined;
let modCacheDir: string | undefined;
let completed = false;
try {
  const t = Date.now();
  const modules = corpus();
  const jitRow = !args['no-jit-row'];
  // The JIT warm-up set: the same sizes under other paths (its zips differ in their paths).
  const warmupModules = jitRow ? corpus('gowarmup.example') : [];
  fixture = await FixtureProxy.create([...modules, ...warmupModules]);
  // The measured set only (the JIT warm-up set is under gowarmup.example/).
  const zipBytes = await treeZipBytes(join(fixture.root, 'gobench.example'));
  log(
    `${moduleCount} modules, ${(zipBytes / 1e6).toFixed(1)} MB of zips, built in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
  // The fixture's own node:http server is not used: nginx serves its tree.
  const nginx = await startNginx({
    name: 'nginx',
    workDir,
    dataDir: fixture.root,
    core: serverCore,
    accessLog: null,
  });
  servers.push(nginx);
  upstreamPids.push(...nginx.pids);
  // The checksum database the measured modgates verify against (unless --no-sumdb).
  let sumdbEnv: Record<string, string> = {};
  // The database's URL (the GOSUMDB value's second field), for the floor-lookup row.
  let sumdbUrl: string | undefined;
  if (!args['no-sumdb']) {
    const db = await startLocalSumdb(nginx.url, workDir, [...modules, ...warmupModules]);
    servers.push(db.server);
    upstreamPids.push(...db.server.pids);
    sumdbEnv = { MODGATE_SUMDB_VERIFY: 'true', MODGATE_SUMDB_DATABASES: db.gosumdb };
    sumdbUrl = db.gosumdb.trim().split(/\s+/)[1];
    if (sumdbUrl === undefined) throw new Error(`no URL in the GOSUMDB value ${db.gosumdb}`);
  }
  sandbox = await GoSandbox.create();
  const goModOf = (list: FixtureModule[]): string =>
    'module gobench.example/main\n\ngo 1.19\n\nrequire (\n' +
    list.map((m) => `\t${m.path} ${m.version}\n`).join('') +
    ')\n';
  const goMod = goModOf(modules);
  const warmupGoMod = goModOf(warmupModules);

  // The go command's module cache (what it extracts the zips into: the client's work, the
  // same for every server) is on disk as a user's is, or on tmpfs with --modcache-tmpfs (the
  // client's disk work then drops out of both sides of the ratios, which grow).
  // Each run gets a module cache and a main module of its own, and nothing is removed until
  // every round is done (the data directories of the modgates too): on a file system like this
  // machine's (ext4 without a journal), every inode created scans the inodes freed in the last
  // minutes, so removing one run's ~thousands of files made the next run's creates slower —
  // the client's and the servers' alike, by an amount that depended on what ran before.
  const modCacheRoot =
    args['modcache-tmpfs'] && existsSync('/dev/shm')
      ? await mkdtemp('/dev/shm/modgate-bench-modcache-')
      : join(workDir, 'gomodcache');
  modCacheDir = modCacheRoot;
  let goRuns = 0;
  const goDownload = async (proxy: string, mod = goMod): Promise<number> => {
    const sb = sandbox as GoSandbox;
    const run = ++goRuns;
    const modCache = join(modCacheRoot, `run-${run}`);
    await mkdir(modCache, { recursive: true });
    const dir = join(workDir, `main-${run}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'go.mod'), mod);
    const env = sb.env(proxy, { GOFLAGS: '-mod=mod -modcacherw', GOMODCACHE: modCache });
    // Flush what earlier runs and clean-ups left to write back, so it does not land in this one.
    await runCommand(['sync']);
    const t0 = process.hrtime.bigint();
    const argv = ['go', 'mod', 'download', ...(args['go-x'] ? ['-x'] : [])];
    const out = await runCommand(pinned(clientCore, argv), { cwd: dir, env });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    // --go-x: the go command's own log of each request ("# get URL: 200 OK (0.003s)"), kept
    // in the work directory for the per-request latencies (with --keep).
    if (args['go-x']) {
      await writeFile(join(workDir, `go-x-${run}.log`), `# proxy ${proxy}\n${out.stderr}`);
    }
    const zips = await countFiles(join(modCache, 'cache', 'download'), '*.zip');
    if (zips !== moduleCount)
      throw new Error(`go mod download left ${zips} zips, not ${moduleCount}`);
    return seconds;
  };

  // One unmeasured run straight from nginx: the go binary, the page cache, nginx's caches.
  await goDownload(nginx.url);
  // The modgate builds measured: this one, and with --base-bin another one (rows *-base).
  const builds = [
    { suffix: '', bin: args['modgate-bin'] },
    ...(args['base-bin'] === undefined ? [] : [{ suffix: '-base', bin: args['base-bin'] }]),
  ];
  // The floor rows: the pass-through proxy, without and with the checksum lookups (and with
  // --floor-jit-warm each process's second run, row `<row>-jit-warm`).
  const floorAgain = args['floor-jit-warm'];
  const floors = args['no-floor-row']
    ? []
    : [
        { row: 'floor', sumdb: undefined },
        ...(sumdbUrl === undefined ? [] : [{ row: 'floor-lookup', sumdb: sumdbUrl }]),
      ];
  const floorRows = floors.flatMap((f) => [f.row, ...(floorAgain ? [`${f.row}-jit-warm`] : [])]);
  const rowNames = [
    'static',
    ...floorRows,
    ...builds.flatMap((b) => [
      `cold${b.suffix}`,
      `warm${b.suffix}`,
      ...(jitRow ? [`cold-jit-warm${b.suffix}`] : []),
    ]),
  ];
  const runs: Record<string, GoRun[]> = Object.fromEntries(rowNames.map((k) => [k, []]));
  const row = (k: string): GoRun[] => runs[k] ?? [];
  const peakRss: Record<string, number[]> = Object.fromEntries(builds.map((b) => [b.suffix, []]));
  for (let r = 0; r < rounds; r++) {
    const c0 = cpuMs(nginx.pids);
    const seconds = await goDownload(nginx.url);
    row('static').push({ seconds, serverCpuMs: cpuMs(nginx.pids) - c0 });
    for (const floor of floors) {
      const proxy = await startPassthrough({
        name: floor.row,
        upstream: nginx.url,
        sumdb: floor.sumdb,
        core: serverCore,
      });
      servers.push(proxy);
      row(floor.row).push(await timedRun(proxy, upstreamPids, goDownload));
      if (floorAgain) {
        row(`${floor.row}-jit-warm`).push(await timedRun(proxy, upstreamPids, goDownload));
      }
      await proxy.stop();
      servers.pop();
    }
    // With two builds, odd rounds take the base first: neither always follows the static run.
    for (const build of r % 2 === 0 ? builds : [...builds].reverse()) {
      const dataDir = join(workDir, `data-${r}${build.suffix}`);
      const modgate = await startModgate({
        name: `modgate${build.suffix}`,
        dataDir,
        upstream: nginx.url,
        core: serverCore,
        accessLog: join(workDir, `modgate-${r}${build.suffix}-access.log`),
        bin: build.bin,
        nodeFlags,
        env: sumdbEnv,
      });
      servers.push(modgate);
      for (const kind of ['cold', 'warm']) {
        row(`${kind}${build.suffix}`).push(await timedRun(modgate, upstreamPids, goDownload));
      }
      peakRss[build.suffix]?.push(statusBytes(modgate.pids, 'VmHWM'));
      await modgate.stop();
      servers.pop();
      if (jitRow) {
        // Another fresh process: serves the warm-up set (unmeasured), then the measured set cold.
        const jitDir = join(workDir, `data-${r}${build.suffix}-jit`);
        const jit = await startModgate({
          name: `modgate${build.suffix}-jit`,
          dataDir: jitDir,
          upstream: nginx.url,
          core: serverCore,
          accessLog: join(workDir, `modgate-${r}${build.suffix}-jit-access.log`),
          bin: build.bin,
          nodeFlags,
          env: sumdbEnv,
        });
        servers.push(jit);
        await goDownload(jit.url, warmupGoMod);
        row(`cold-jit-warm${build.suffix}`).push(await timedRun(jit, upstreamPids, goDownload));
        await jit.stop();
        servers.pop();
      }
    }
    log(
      `round ${r + 1}/${rounds}: ` +
        rowNames.map((k) => `${k} ${(row(k).at(-1)?.seconds ?? 0).toFixed(2)} s`).join(', '),
    );
  }
  const modgatePeakRss = peakRss[''] ?? [];
  for (const s of servers.splice(0)) await s.stop();

  const med = (k: string): number => median(row(k).map((x) => x.seconds));
  const coldRatio = med('cold') / med('static');
  const warmRatio = med('warm') / med('static');
  const cpuS = (k: string): number => median(row(k).map((x) => x.serverCpuMs)) / 1000;
  const cpuRounds = (k: string): string =>
    row(k)
      .map((x) => (x.serverCpuMs / 1000).toFixed(2))
      .join(' ');
  const coldCpuS = cpuS('cold');
  const warmCpuS = cpuS('warm');
  const loadAfter = loadavg();
  const commit = sourceCommit();
  const pass = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
  process.stdout.write(
    `\ngo mod download benchmark, ${started.toISOString()}, commit ${commit}\n` +
      `${moduleCount} modules (${(zipBytes / 1e6).toFixed(1)} MB of zips, ${args['min-kib']} KiB to ${args['max-mib']} MiB), ` +
      `${rounds} interleaved rounds, medians; static server: nginx (sendfile, open_file_cache, no access log); ` +
      (args['no-sumdb']
        ? `modgate: defaults but sumdb.verify false, upstream = that nginx, access log to a file; `
        : `modgate: defaults (sumdb.verify on, against a local checksum database: another modgate), upstream = that nginx, access log to a file; `) +
      `go's module cache on ${modCacheRoot.startsWith('/dev/shm') ? 'tmpfs' : 'disk'}; ` +
      (pinning ? 'servers on core 1, go on core 0' : 'not pinned') +
      `; load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} before, ${loadAfter.map((x) => x.toFixed(2)).join(' ')} after\n\n` +
      `                        median s   (rounds)                            ratio to static\n` +
      rowNames
        .map(
          (k) =>
            `  ${k.padEnd(21)} ${med(k).toFixed(2).padStart(8)}   (${row(k)
              .map((x) => x.seconds.toFixed(2))
              .join(' ')})`.padEnd(71) +
            '  ' +
            (med(k) / med('static')).toFixed(2),
        )
        .join('\n') +
      builds
        .map(
          ({ suffix: b }) =>
            `\n\n  modgate${b} CPU s per cold run: ${cpuS(`cold${b}`).toFixed(2)} (rounds ${row(
              `cold${b}`,
            )
              .map((x) => (x.serverCpuMs / 1000).toFixed(2))
              .join(' ')}); ` +
            `upstream nginx${args['no-sumdb'] ? '' : ' + checksum database'} ${(median(row(`cold${b}`).map((x) => x.upstreamCpuMs ?? 0)) / 1000).toFixed(2)}\n` +
            `  modgate${b} CPU s per cold run by thread (median): ${threadSummary(row(`cold${b}`))}\n` +
            `  modgate${b} CPU s per warm run: ${cpuS(`warm${b}`).toFixed(2)}\n` +
            `  modgate${b} peak RSS (VmHWM after cold + warm): ${(median(peakRss[b] ?? []) / 1e6).toFixed(1)} MB`,
        )
        .join('') +
      (jitRow
        ? builds
            .map(
              ({ suffix: b }) =>
                `\n  modgate${b} CPU s per cold-jit-warm run: ${cpuS(`cold-jit-warm${b}`).toFixed(2)}`,
            )
            .join('') +
          `\n  cold-jit-warm: NOT the headline: a modgate that first served 100 other modules (same sizes),\n` +
          `    then this set cold: the cold cache of a long-running server, JIT-compiled and heap grown`
        : '') +
      floorRows
        .map(
          (k) =>
            `\n  ${k} (pass-through) CPU s per run: ${cpuS(k).toFixed(2)} (rounds ${cpuRounds(k)}); ` +
            `upstream ${(median(row(k).map((x) => x.upstreamCpuMs ?? 0)) / 1000).toFixed(2)}`,
        )
        .join('') +
      (floors.length > 0
        ? `\n  floor${floors.length > 1 ? ', floor-lookup' : ''}: NOT modgate: the thinnest Node proxy (bench/passthrough-proxy.ts), a fresh process per round` +
          (floors.length > 1
            ? `;\n    floor-lookup also fetches each .mod's checksum lookup (unchecked) before answering`
            : '') +
          (floorAgain ? `;\n    *-jit-warm: the same process's second run` : '')
        : '') +
      `\n  nginx CPU s per static run: ${cpuS('static').toFixed(2)}\n\n` +
      `targets (issue 9):\n` +
      `  ${pass(coldRatio <= TARGET_COLD)}  cold <= ${TARGET_COLD} x static   ${coldRatio.toFixed(2)} x\n` +
      `  ${pass(warmRatio <= TARGET_WARM)}  warm <= ${TARGET_WARM} x static   ${warmRatio.toFixed(2)} x\n`,
  );

  const stamp = started.toISOString().slice(0, 16).replace(':', '');
  const out =
    args.out ??
    join(
      benchDir,
      'results',
      `go-download-${modCacheRoot.startsWith('/dev/shm') ? 'tmpfs-' : ''}${stamp}-${commit}.json`,
    );
  if (out !== '-') {
    const json = {
      date: started.toISOString(),
      commit,
      machine: machineInfo(loadBefore, loadAfter, {
        go: (await runCommand(['go', 'version'])).stdout.trim(),
      }),
      settings: {
        rounds,
        pinned: pinning,
        modgateEnv: { ...MODGATE_BASE_ENV, ...sumdbEnv },
        checksumDatabase: args['no-sumdb']
          ? 'none (sumdb.verify false)'
          : 'local: a modgate with sumdb.server.enabled (upstream the same nginx, servers core), every version looked up once before the rounds; its CPU is counted as upstream',
        modgateAccessLog: 'file',
        modgateBin: args['modgate-bin'] ?? 'bin/modgate.js',
        baseBin: args['base-bin'],
        modgateNodeFlags: nodeFlags,
        jitWarmRow: jitRow
          ? 'cold-jit-warm: a fresh modgate that first served go mod download of 100 other modules (gowarmup.example, same sizes), then the measured set cold'
          : false,
        goEnv: { GOSUMDB: 'off', GOFLAGS: '-mod=mod -modcacherw', GOPROXY: '<server URL>' },
        goModCache: modCacheRoot.startsWith('/dev/shm') ? 'tmpfs' : 'disk',
        syncBeforeEachRun: true,
        staticServer: 'nginx (bench/nginx-conf.ts, access_log off)',
        floorRows:
          floors.length === 0
            ? false
            : 'floor: bench/passthrough-proxy.ts (node:http server, keep-alive node:http Agent to the nginx, status/type/length/body streamed back; no storage, checks, cache or log), a fresh process per round on the servers core, plain node flags' +
              (floors.length > 1
                ? '; floor-lookup: the same, each .mod answered once its version lookup in the local checksum database (fetched beside it, read whole, not checked) is in'
                : '') +
              (floorAgain ? "; *-jit-warm: the same process's second run, right after" : ''),
      },
      corpus: { modules: moduleCount, zipBytes, minKiB: args['min-kib'], maxMiB: args['max-mib'] },
      medians: {
        staticS: med('static'),
        coldS: med('cold'),
        warmS: med('warm'),
        coldRatio,
        warmRatio,
        modgateCpuSPerColdRun: coldCpuS,
        modgateCpuSPerWarmRun: warmCpuS,
        modgatePeakRssBytes: median(modgatePeakRss),
        ...Object.fromEntries(
          floorRows.flatMap((k) => {
            // floor-lookup-jit-warm -> floorLookupJitWarm
            const key = k.replace(/-(.)/g, (_, c: string) => c.toUpperCase());
            return [
              [`${key}S`, med(k)],
              [`${key}Ratio`, med(k) / med('static')],
              [`${key}CpuSPerRun`, cpuS(k)],
              [`${key}UpstreamCpuSPerRun`, median(row(k).map((x) => x.upstreamCpuMs ?? 0)) / 1000],
            ];
          }),
        ),
        ...(jitRow
          ? {
              coldJitWarmS: med('cold-jit-warm'),
              coldJitWarmRatio: med('cold-jit-warm') / med('static'),
              modgateCpuSPerColdJitWarmRun: cpuS('cold-jit-warm'),
            }
          : {}),
      },
      targets: { cold: TARGET_COLD, warm: TARGET_WARM },
      ...(args['base-bin'] === undefined
        ? {}
        : {
            base: {
              coldS: med('cold-base'),
              warmS: med('warm-base'),
              coldRatio: med('cold-base') / med('static'),
              warmRatio: med('warm-base') / med('static'),
              modgateCpuSPerColdRun: cpuS('cold-base'),
              modgateCpuSPerWarmRun: cpuS('warm-base'),
              modgatePeakRssBytes: median(peakRss['-base'] ?? []),
              ...(jitRow
                ? {
                    coldJitWarmS: med('cold-jit-warm-base'),
                    coldJitWarmRatio: med('cold-jit-warm-base') / med('static'),
                    modgateCpuSPerColdJitWarmRun: cpuS('cold-jit-warm-base'),
                  }
                : {}),
            },
          }),
      runs,
    };
    await writeResults(out, json);
    log(`results written to ${out}`);
  }
  completed = true;
} finally {
  for (const s of servers) await s.stop();
  await fixture?.close();
  await sandbox?.cleanup();
  if (modCacheDir !== undefined) await rm(modCacheDir, { recursive: true, force: true });
  if (args.keep || !completed) log(`work directory kept: ${workDir}`);
  else await rm(workDir, { recursive: true, force: true });
}

/** One timed `go mod download` through `modgate`, with its CPU (and the upstream's). */
async function timedRun(
  modgate: BenchServer,
  upstreamPids: number[],
  goDownload: (proxy: string) => Promise<number>,
): Promise<GoRun> {
  const pid = modgate.pids[0] ?? 0;
  const c0 = cpuMs(modgate.pids);
  const u0 = cpuMs(upstreamPids);
  const th0 = cpuMsByThread(pid);
  const seconds = await goDownload(modgate.url);
  return {
    seconds,
    serverCpuMs: cpuMs(modgate.pids) - c0,
    upstreamCpuMs: cpuMs(upstreamPids) - u0,
    threadsCpuMs: diffByKey(th0, cpuMsByThread(pid)),
  };
}

async function treeZipBytes(root: string): Promise<number> {
  const { stdout } = await runCommand(['sh', '-c', `find "${root}" -name '*.zip' -printf '%s\\n'`]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .reduce((a, b) => a + Number(b), 0);
}

/** The median CPU seconds per run of each thread name, e.g. `node 0.80, libuv-worker 0.90`. */
function threadSummary(list: GoRun[]): string {
  const names = new Set(list.flatMap((r) => Object.keys(r.threadsCpuMs ?? {})));
  return [...names]
    .map((n) => [n, median(list.map((r) => r.threadsCpuMs?.[n] ?? 0)) / 1000] as const)
    .filter(([, s]) => s >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([n, s]) => `${n} ${s.toFixed(2)}`)
    .join(', ');
}

async function countFiles(dir: string, pattern: string): Promise<number> {
  const { stdout } = await runCommand(['find', dir, '-name', pattern, '-type', 'f']);
  return stdout.split('\n').filter(Boolean).length;
}

async function commandWorks(argv: string[]): Promise<boolean> {
  return runCommand(argv).then(
    () => true,
    () => false,
  );
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

/**
 * A local checksum database: modgate with `sumdb.server.enabled` (upstream `upstream`, on the
 * servers' core), in which every one of `modules` is looked up once (it fetches, checks, stores
 * and logs each), and the GOSUMDB value it logs at start-up (key and URL).
 */
async function startLocalSumdb(
  upstream: string,
  workDir: string,
  modules: FixtureModule[],
): Promise<{ server: BenchServer; gosumdb: string }> {
  const name = 'sumdb.bench.example';
  const logFile = join(workDir, 'sumdb-server.log');
  const server = await startModgate({
    name: 'sumdb',
    dataDir: join(workDir, 'sumdb-data'),
    upstream,
    core: serverCore,
    accessLog: logFile,
    env: { MODGATE_SUMDB_SERVER_ENABLED: 'true', MODGATE_SUMDB_SERVER_NAME: name },
  });
  const line = (await readFile(logFile, 'utf8')).split('\n').find((l) => l.includes('"gosumdb"'));
  const gosumdb =
    line === undefined ? undefined : (JSON.parse(line) as { gosumdb?: string }).gosumdb;
  if (gosumdb === undefined) {
    await server.stop();
    throw new Error(`the local checksum database logged no GOSUMDB value (${logFile})`);
  }
  const t = Date.now();
  for (const m of modules) {
    const res = await fetch(
      `${server.url}/sumdb/${name}/lookup/${escapePath(m.path)}@${m.version}`,
    );
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`lookup of ${m.path}@${m.version}: ${res.status}`);
  }
  log(
    `local checksum database: ${modules.length} versions logged in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
  return { server, gosumdb };
}
