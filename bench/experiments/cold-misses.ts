// Experiment (issue 9, the cold miss path): what one cold `.mod` / `.info` / `.zip` miss costs a
// fresh modgate, and an A/B of two builds in the same run. Not product code and not a test.
//
// nginx serves a generated GOPROXY tree (go-download.ts's corpus shape: N modules, zips from
// 4 KiB to 10 MiB) and a second modgate is the checksum database (as in go-download.ts: every
// version looked up once before the rounds). In each round every build (--bin, and --base-bin
// if given; the order alternates) gets a fresh `modgate serve` with its defaults (verification
// against that database, access log to a file), and this script asks it for the files of
// --seq (default `mod`: the go command's graph loading) one at a time, like the go command.
// Per round and build it prints the sum and median of the request times per kind, modgate's
// CPU ms (utime + stime of every thread, /proc) per kind and by thread, the database's and
// nginx's; with --settle MS it then waits MS and prints the CPU spent meanwhile (the stores
// behind the answers, which wait until the service is quiet: they are part of a miss's cost).
// All servers share core 1 (as in go-download.ts), this script runs on core 0.
//
//   npx tsc -p tsconfig.json
//   flock /tmp/modgate-bench.lock node dist/bench/experiments/cold-misses.js \
//     --base-bin /tmp/base/bin/modgate.js --rounds 6 --settle 6000
//   --modgate-node-flags "--cpu-prof --cpu-prof-dir=/tmp/p"  profiles every measured modgate
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { FixtureProxy, escapePath } from '../../test/support/fixture-proxy.js';
import { goDownloadCorpus } from '../go-download-corpus.js';
import { median } from '../measure.js';
import { cpuMs, cpuMsByThread, diffByKey } from '../proc-stats.js';
import { runCommand } from '../run-command.js';
import { startModgate, startNginx } from '../servers.js';

const { values: args } = parseArgs({
  options: {
    modules: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '4' },
    seq: { type: 'string', default: 'mod' },
    settle: { type: 'string', default: '0' },
    bin: { type: 'string' },
    'base-bin': { type: 'string' },
    'modgate-node-flags': { type: 'string', default: '' },
  },
});
const n = Number(args.modules);
const kinds = args.seq.split(',').filter((k) => k === 'mod' || k === 'info' || k === 'zip');
const settleMs = Number(args.settle);
const nodeFlags = args['modgate-node-flags'].split(' ').filter(Boolean);
const builds = [
  { name: 'new', bin: args.bin },
  ...(args['base-bin'] === undefined ? [] : [{ name: 'base', bin: args['base-bin'] }]),
];
const core = availableParallelism() >= 2 ? 1 : undefined;
if (core !== undefined) await runCommand(['taskset', '-a', '-p', '-c', '0', String(process.pid)]);

const modules = goDownloadCorpus(n, 4096, 10 * 1024 * 1024);

const fixture = await FixtureProxy.create(modules);
const work = await mkdtemp(join(tmpdir(), 'cold-misses-'));
const nginx = await startNginx({ workDir: work, dataDir: fixture.root, core, accessLog: null });
const dbLog = join(work, 'sumdb.log');
const db = await startModgate({
  name: 'sumdb',
  dataDir: join(work, 'sumdb-data'),
  upstream: nginx.url,
  accessLog: dbLog,
  core,
  env: { MODGATE_SUMDB_SERVER_ENABLED: 'true', MODGATE_SUMDB_SERVER_NAME: 'sumdb.bench.example' },
});
const startLine = (await readFile(dbLog, 'utf8')).split('\n').find((l) => l.includes('"gosumdb"'));
const gosumdb = (JSON.parse(startLine ?? '{}') as { gosumdb?: string }).gosumdb ?? '';
for (const m of modules) {
  const at = `${escapePath(m.path)}@${m.version}`;
  await (await fetch(`${db.url}/sumdb/sumdb.bench.example/lookup/${at}`)).arrayBuffer();
}

type Row = { sum: number; median: number; cpu: number };
const results = new Map<string, Map<string, Row[]>>();
const rowsOf = (build: string, kind: string): Row[] => {
  const byKind = results.get(build) ?? new Map<string, Row[]>();
  results.set(build, byKind);
  const rows = byKind.get(kind) ?? [];
  byKind.set(kind, rows);
  return rows;
};
const threads = (t: Record<string, number>): string =>
  Object.entries(t)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

for (let round = 0; round < Number(args.rounds); round++) {
  for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
    const dataDir = join(work, `data-${build.name}-${round}`);
    const mg = await startModgate({
      name: build.name,
      ...(build.bin === undefined ? {} : { bin: build.bin }),
      dataDir,
      upstream: nginx.url,
      core,
      accessLog: join(work, `access-${build.name}-${round}.log`),
      nodeFlags,
      env: { MODGATE_SUMDB_VERIFY: 'true', MODGATE_SUMDB_DATABASES: gosumdb },
    });
    await sleep(300);
    const pid = mg.pids[0] ?? 0;
    const t0 = cpuMsByThread(pid);
    const others0 = [cpuMs(db.pids), cpuMs(nginx.pids)];
    const parts: string[] = [];
    for (const kind of kinds) {
      const times: number[] = [];
      const c0 = cpuMs(mg.pids);
      for (const m of modules) {
        const started = performance.now();
        const res = await fetch(`${mg.url}/${escapePath(m.path)}/@v/${m.version}.${kind}`);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${build.name}: ${m.path} ${kind}: ${res.status}`);
        times.push(performance.now() - started);
      }
      const row = {
        sum: times.reduce((a, b) => a + b, 0),
        median: median(times),
        cpu: cpuMs(mg.pids) - c0,
      };
      rowsOf(build.name, kind).push(row);
      parts.push(
        `${kind} sum ${row.sum.toFixed(0)} ms med ${row.median.toFixed(2)} cpu ${row.cpu}`,
      );
    }
    const others = [cpuMs(db.pids) - (others0[0] ?? 0), cpuMs(nginx.pids) - (others0[1] ?? 0)];
    parts.push(`db/nginx cpu ${others.join('/')}`, threads(diffByKey(t0, cpuMsByThread(pid))));
    if (settleMs > 0) {
      const s0 = cpuMsByThread(pid);
      const c0 = cpuMs(mg.pids);
      await sleep(settleMs);
      const cpu = cpuMs(mg.pids) - c0;
      rowsOf(build.name, 'settle').push({ sum: 0, median: 0, cpu });
      parts.push(`| settle cpu ${cpu} ${threads(diffByKey(s0, cpuMsByThread(pid)))}`);
    }
    console.log(`r${round} ${build.name.padEnd(4)} ${parts.join(' ')}`);
    await mg.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
for (const [build, byKind] of results) {
  for (const [kind, rows] of byKind) {
    const m = (f: (r: Row) => number) => median(rows.map(f));
    console.log(
      `${build.padEnd(4)} ${kind.padEnd(6)} medians: sum ${m((r) => r.sum).toFixed(0)} ms, ` +
        `per request ${m((r) => r.median).toFixed(2)} ms, modgate cpu ${m((r) => r.cpu)} ms`,
    );
  }
}
await db.stop();
await nginx.stop();
await fixture.close();
await rm(work, { recursive: true, force: true });
