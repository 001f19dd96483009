// Many replicas (issue 12): 1 and 3 `modgate serve` processes on S3 (Ceph radosgw from
// ../shared/services/s3-up, one bucket, deleted after) against one process on disk, in one
// run, all in front of the same fixture upstream, taking turns:
//   - cached requests/s and CPU ms per 1,000 requests (the modgate processes only,
//     utime+stime): wrk -t1 over the bench's mix (45 % .info, 25 % .mod, 20 % @v/list, 10 %
//     zips) after every file was fetched once through each process. With 3 replicas, three
//     wrk run at once, one per replica, the connections split between them; their requests
//     are summed, and so is the CPU of the three processes;
//   - a cold `go mod download` of a go.mod requiring 100 modules, through a fresh deployment
//     each round (fresh data directory, or a fresh prefix of the bucket, emptied after), with
//     a fresh module cache. The go command reaches every deployment through the same
//     round-robin TCP relay (test/support/tcp-proxy.ts: a connection to each replica in turn,
//     like a Kubernetes Service), so the rows differ only behind it. The CPU seconds of the
//     deployment's processes per cold run are printed too.
// With `--redis` (default: on when redis-server is installed) the 3 replicas share a Redis
// (coordination.redis_url; test/support/redis-server.ts): a cold miss is fetched by one of them.
// Defaults otherwise, except `sumdb.verify: false` (the generated modules are in no checksum
// database) and the access log off. Everything shares the machine (no pinning: radosgw's three
// daemons are part of S3's cost, and 3 replicas on 2 cores compete for them), so compare the
// ratios of one run, not absolute figures, and quote the load average printed with them.
//   node dist/bench/replicas.js --modules 100 --rounds 3 --duration 5
// Run it under the shared lock: flock /tmp/modgate-bench.lock node dist/bench/replicas.js
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { FixtureProxy, type FixtureModule } from '../test/support/fixture-proxy.js';
import { GoSandbox } from '../test/support/go-sandbox.js';
import { ModgateProcess, type Settings } from '../test/support/modgate-process.js';
import { RedisServer } from '../test/support/redis-server.js';
import { TcpProxy } from '../test/support/tcp-proxy.js';
import {
  adminClient,
  createTestBucket,
  deleteTestBucket,
  emptyPrefix,
  s3Service,
  type S3Service,
} from '../test/storage/s3-service.js';
import { prng, pseudoRandomBytes } from './bench-tree.js';
import { median } from './measure.js';
import { cpuMs } from './proc-stats.js';
import { runWrk, type WrkResult } from './wrk.js';

const { values: args } = parseArgs({
  options: {
    modules: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '18' },
    redis: { type: 'boolean' },
    'no-redis': { type: 'boolean', default: false },
  },
});
const MODULES = Number(args.modules);
const ROUNDS = Number(args.rounds);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const WITH_REDIS =
  !args['no-redis'] && (args.redis ?? spawnSync('redis-server', ['--version']).error === undefined);

/** A deployment: its storage and how many replicas. */
interface Row {
  name: string;
  backend: 'disk' | 's3';
  replicas: number;
}
const ROWS: Row[] = [
  { name: 'disk x1', backend: 'disk', replicas: 1 },
  { name: 's3 x1', backend: 's3', replicas: 1 },
  { name: WITH_REDIS ? 's3 x3 +redis' : 's3 x3', backend: 's3', replicas: 3 },
];

function modules(): FixtureModule[] {
  const rand = prng(12);
  return Array.from({ length: MODULES }, (_, i) => ({
    path: `bench.example/replicas/m${String(i).padStart(3, '0')}`,
    version: 'v1.0.0',
    files: {
      'm.go': `package m\n\nconst N = ${i}\n`,
      // 1 KiB to 256 KiB, log-uniform: mostly small zips, some large ones (as bench/s3.ts).
      'blob.bin': pseudoRandomBytes(Math.round(1024 * 256 ** rand()), rand),
    },
  }));
}

interface Env {
  service: S3Service;
  bucket: string;
  redisUrl: string | undefined;
  upstream: string;
}

function settings(row: Row, env: Env, prefix: string): Settings {
  const base: Settings = { log: { level: 'info', access_log: false } };
  if (row.backend === 'disk') return base;
  const { service } = env;
  return {
    ...base,
    storage: {
      backend: 's3',
      s3: {
        bucket: env.bucket,
        prefix,
        region: service.region,
        endpoint: service.endpoint,
        force_path_style: true,
        access_key_id: service.accessKeyId,
        secret_access_key: service.secretAccessKey,
      },
    },
    ...(row.replicas > 1 && env.redisUrl !== undefined
      ? { coordination: { redis_url: env.redisUrl, key_prefix: `bench:${prefix}` } }
      : {}),
  };
}

/** The replicas of one row, on one data directory each (disk) or one bucket prefix (S3). */
async function deploy(row: Row, env: Env, prefix: string): Promise<ModgateProcess[]> {
  const out: ModgateProcess[] = [];
  for (let i = 0; i < row.replicas; i++) {
    out.push(
      await ModgateProcess.start({ upstream: env.upstream, settings: settings(row, env, prefix) }),
    );
  }
  return out;
}

/** The mixed request paths (deterministic shuffle). */
function mixPaths(mods: FixtureModule[]): string[] {
  const paths: string[] = [];
  const counts = { info: 45, mod: 25, list: 20, zip: 10 };
  for (const [kind, n] of Object.entries(counts)) {
    for (let i = 0; i < n * 20; i++) {
      const m = mods[i % mods.length];
      if (m === undefined) continue;
      const file = kind === 'list' ? 'list' : `${m.version}.${kind}`;
      paths.push(`/${m.path}/@v/${file}`);
    }
  }
  const rand = prng(7);
  for (let i = paths.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [paths[i], paths[j]] = [paths[j] ?? '', paths[i] ?? ''];
  }
  return paths;
}

async function warm(url: string, paths: string[]): Promise<void> {
  for (const p of new Set(paths)) {
    const res = await fetch(url + p);
    if (res.status !== 200) throw new Error(`${url}${p}: ${res.status}`);
    await res.arrayBuffer();
  }
}

/** wrk against every replica at once, the connections split; totals and the replicas' CPU. */
async function hotRound(
  replicas: ModgateProcess[],
  pathsFile: string,
): Promise<{ rps: number; cpuPer1k: number }> {
  const pids = replicas.map((r) => r.pid);
  const cpu0 = cpuMs(pids);
  const per = Math.max(1, Math.floor(CONNECTIONS / replicas.length));
  const runs: WrkResult[] = await Promise.all(
    replicas.map((r) => runWrk({ url: r.url, pathsFile, connections: per, durationS: DURATION })),
  );
  const cpu = cpuMs(pids) - cpu0;
  const requests = runs.reduce((a, w) => a + w.requests, 0);
  if (runs.some((w) => w.socketErrors + w.statusErrors > 0)) throw new Error('wrk errors');
  const rps = runs.reduce((a, w) => a + w.requestsPerS, 0);
  return { rps, cpuPer1k: (cpu / requests) * 1000 };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const loadBefore = loadavg().map(round2);
  const service = await s3Service();
  const client = adminClient(service);
  const bucket = await createTestBucket(client);
  const redis = WITH_REDIS ? await RedisServer.start() : undefined;
  const mods = modules();
  const fixture = await FixtureProxy.create(mods);
  const go = await GoSandbox.create();
  const work = await mkdtemp(join(tmpdir(), 'modgate-bench-replicas-'));
  const env: Env = { service, bucket, redisUrl: redis?.url, upstream: fixture.url };
  const hotDeployments: ModgateProcess[][] = [];
  try {
    const paths = mixPaths(mods);
    const pathsFile = join(work, 'paths.txt');
    await writeFile(pathsFile, paths.join('\n') + '\n');
    const main = await go.newModule(
      'bench.example/main',
      `module bench.example/main\n\ngo 1.19\n\nrequire (\n${mods
        .map((m) => `\t${m.path} ${m.version}\n`)
        .join('')})\n`,
    );

    for (const [i, row] of ROWS.entries()) {
      const replicas = await deploy(row, env, `hot-${i}/`);
      hotDeployments.push(replicas);
      for (const r of replicas) await warm(r.url, paths);
    }
    const hot = ROWS.map(() => ({ rps: [] as number[], cpuPer1k: [] as number[] }));
    const cold = ROWS.map(() => ({ s: [] as number[], cpuS: [] as number[] }));
    for (let round = 0; round < ROUNDS; round++) {
      // Take turns, in another order each round.
      const order = ROWS.map((_, i) => (i + round) % ROWS.length);
      for (const i of order) {
        const replicas = hotDeployments[i];
        if (replicas === undefined) continue;
        const h = await hotRound(replicas, pathsFile);
        hot[i]?.rps.push(h.rps);
        hot[i]?.cpuPer1k.push(h.cpuPer1k);
      }
      for (const i of order) {
        const row = ROWS[i];
        if (row === undefined) continue;
        const prefix = `cold-${round}-${i}/`;
        const replicas = await deploy(row, env, prefix);
        const lb = await TcpProxy.start(replicas.map((r) => r.url));
        try {
          await go.clearModCache();
          const pids = replicas.map((r) => r.pid);
          const cpu0 = cpuMs(pids);
          const t0 = performance.now();
          const out = await go.run(['mod', 'download'], {
            proxy: lb.url,
            cwd: main,
            env: { GOFLAGS: '-mod=mod -modcacherw' },
          });
          if (out.code !== 0) throw new Error(`${row.name}: go mod download: ${out.stderr}`);
          cold[i]?.s.push((performance.now() - t0) / 1000);
          cold[i]?.cpuS.push((cpuMs(pids) - cpu0) / 1000);
        } finally {
          await lb.close();
          for (const r of replicas) await r.stop();
          if (row.backend === 's3') await emptyPrefix(client, bucket, prefix);
        }
      }
    }
    const rows = ROWS.map((row, i) => ({
      deployment: row.name,
      cachedRps: Math.round(median(hot[i]?.rps ?? [])),
      cpuMsPer1kRequests: Math.round(median(hot[i]?.cpuPer1k ?? []) * 10) / 10,
      coldGoModDownloadS: round2(median(cold[i]?.s ?? [])),
      coldCpuS: round2(median(cold[i]?.cpuS ?? [])),
    }));
    const [disk] = rows;
    const ratio = (a: number, b: number | undefined): number =>
      b === undefined || b === 0 ? NaN : round2(a / b);
    const result = {
      modules: MODULES,
      rounds: ROUNDS,
      durationS: DURATION,
      connections: CONNECTIONS,
      redis: WITH_REDIS,
      loadavg: { before: loadBefore, after: loadavg().map(round2) },
      rows,
      perRound: {
        hot: hot.map((h) => ({ rps: h.rps.map(Math.round), cpuPer1k: h.cpuPer1k.map(round2) })),
        cold: cold.map((c) => ({ s: c.s.map(round2), cpuS: c.cpuS.map(round2) })),
      },
      ratiosToDisk: rows.slice(1).map((r) => ({
        deployment: r.deployment,
        cachedRps: ratio(r.cachedRps, disk?.cachedRps),
        cpuPer1k: ratio(r.cpuMsPer1kRequests, disk?.cpuMsPer1kRequests),
        coldGoModDownload: ratio(r.coldGoModDownloadS, disk?.coldGoModDownloadS),
        coldCpu: ratio(r.coldCpuS, disk?.coldCpuS),
      })),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const d of hotDeployments) for (const r of d) await r.stop();
    await fixture.close();
    await go.cleanup();
    await redis?.close();
    await rm(work, { recursive: true, force: true });
    await deleteTestBucket(client, bucket);
    client.destroy();
  }
}

await main();
