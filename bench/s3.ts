// S3 storage against disk storage (issue 12 item 1), in one run: `modgate serve` on disk and
// on S3 (Ceph radosgw from ../shared/services/s3-up, one bucket, deleted after), both in front
// of the same fixture upstream, taking turns:
//   - cached requests/s and CPU ms per 1,000 requests (modgate's process only, utime+stime):
//     wrk -t1 over the bench's mix (45 % .info, 25 % .mod, 20 % @v/list, 10 % zips) after every
//     file was fetched once through each server;
//   - a cold `go mod download` of every module through a fresh server each round (fresh data
//     directory, or a fresh prefix of the bucket), with a fresh module cache.
// Defaults otherwise, except `sumdb.verify: false` (the generated modules are in no checksum
// database) and the access log off. wrk and the go command share the machine with the servers
// and radosgw (no pinning: radosgw's three daemons are part of S3's cost), so compare the
// ratios of one run, not absolute figures, and quote the load average printed with them.
//   node dist/bench/s3.js --modules 40 --rounds 3 --duration 5
// Run it under the shared lock: flock /tmp/modgate-bench.lock node dist/bench/s3.js
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { FixtureProxy, type FixtureModule } from '../test/support/fixture-proxy.js';
import { GoSandbox } from '../test/support/go-sandbox.js';
import { ModgateProcess, type Settings } from '../test/support/modgate-process.js';
import {
  adminClient,
  createTestBucket,
  deleteTestBucket,
  s3Service,
  type S3Service,
} from '../test/storage/s3-service.js';
import { prng, pseudoRandomBytes } from './bench-tree.js';
import { median } from './measure.js';
import { cpuMs } from './proc-stats.js';
import { runWrk } from './wrk.js';

const { values: args } = parseArgs({
  options: {
    modules: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
  },
});
const MODULES = Number(args.modules);
const ROUNDS = Number(args.rounds);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);

type Backend = 'disk' | 's3';

function modules(): FixtureModule[] {
  const rand = prng(12);
  return Array.from({ length: MODULES }, (_, i) => ({
    path: `bench.example/s3/m${String(i).padStart(3, '0')}`,
    version: 'v1.0.0',
    files: {
      'm.go': `package m\n\nconst N = ${i}\n`,
      // 1 KiB to 256 KiB, log-uniform: mostly small zips, some large ones.
      'blob.bin': pseudoRandomBytes(Math.round(1024 * 256 ** rand()), rand),
    },
  }));
}

function settings(backend: Backend, service: S3Service, bucket: string, prefix: string): Settings {
  const base: Settings = { log: { level: 'info', access_log: false } };
  if (backend === 'disk') return base;
  return {
    ...base,
    storage: {
      backend: 's3',
      s3: {
        bucket,
        prefix,
        region: service.region,
        endpoint: service.endpoint,
        force_path_style: true,
        access_key_id: service.accessKeyId,
        secret_access_key: service.secretAccessKey,
      },
    },
  };
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

async function main(): Promise<void> {
  const load = { before: loadavg() };
  const service = await s3Service();
  const client = adminClient(service);
  const bucket = await createTestBucket(client);
  const mods = modules();
  const fixture = await FixtureProxy.create(mods);
  const go = await GoSandbox.create();
  const work = await mkdtemp(join(tmpdir(), 'modgate-bench-s3-'));
  const servers: Partial<Record<Backend, ModgateProcess>> = {};
  try {
    const paths = mixPaths(mods);
    const pathsFile = join(work, 'paths.txt');
    await writeFile(pathsFile, paths.join('\n') + '\n');
    for (const b of ['disk', 's3'] as const) {
      servers[b] = await ModgateProcess.start({
        upstream: fixture.url,
        settings: settings(b, service, bucket, 'hot/'),
      });
      await warm(servers[b].url, paths);
    }
    const hot: Record<Backend, { rps: number[]; cpuPer1k: number[] }> = {
      disk: { rps: [], cpuPer1k: [] },
      s3: { rps: [], cpuPer1k: [] },
    };
    const cold: Record<Backend, number[]> = { disk: [], s3: [] };
    const targets = mods.map((m) => `${m.path}@${m.version}`);
    for (let r = 0; r < ROUNDS; r++) {
      const order: Backend[] = r % 2 === 0 ? ['disk', 's3'] : ['s3', 'disk'];
      for (const b of order) {
        const server = servers[b];
        if (server === undefined) continue;
        const cpu0 = cpuMs([server.pid]);
        const w = await runWrk({
          url: server.url,
          pathsFile,
          connections: CONNECTIONS,
          durationS: DURATION,
        });
        const cpu = cpuMs([server.pid]) - cpu0;
        if (w.socketErrors + w.statusErrors > 0) throw new Error(`${b}: wrk errors`);
        hot[b].rps.push(w.requestsPerS);
        hot[b].cpuPer1k.push((cpu / w.requests) * 1000);
      }
      for (const b of order) {
        const fresh = await ModgateProcess.start({
          upstream: fixture.url,
          settings: settings(b, service, bucket, `cold-${r}/`),
        });
        try {
          await go.clearModCache();
          const t0 = performance.now();
          const out = await go.run(['mod', 'download', ...targets], { proxy: fresh.url });
          if (out.code !== 0) throw new Error(`${b}: go mod download: ${out.stderr}`);
          cold[b].push((performance.now() - t0) / 1000);
        } finally {
          await fresh.stop();
        }
      }
    }
    load.before = load.before.map((x) => Math.round(x * 100) / 100);
    const after = loadavg().map((x) => Math.round(x * 100) / 100);
    const row = (b: Backend) => ({
      backend: b,
      cachedRps: Math.round(median(hot[b].rps)),
      cpuMsPer1kRequests: Math.round(median(hot[b].cpuPer1k) * 10) / 10,
      coldGoModDownloadS: Math.round(median(cold[b]) * 100) / 100,
    });
    const d = row('disk');
    const s = row('s3');
    const result = {
      modules: MODULES,
      rounds: ROUNDS,
      durationS: DURATION,
      connections: CONNECTIONS,
      loadavg: { before: load.before, after },
      rows: [d, s],
      perRound: { hot, cold },
      ratios: {
        cachedRps: Math.round((s.cachedRps / d.cachedRps) * 100) / 100,
        cpuPer1k: Math.round((s.cpuMsPer1kRequests / d.cpuMsPer1kRequests) * 100) / 100,
        coldGoModDownload: Math.round((s.coldGoModDownloadS / d.coldGoModDownloadS) * 100) / 100,
      },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const server of Object.values(servers)) await server?.stop();
    await fixture.close();
    await go.cleanup();
    await rm(work, { recursive: true, force: true });
    await deleteTestBucket(client, bucket);
    client.destroy();
  }
}

await main();
