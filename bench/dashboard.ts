// The dashboard's benchmark (issue 15): how fast its API and pages answer with 10,000 stored
// versions (target: under 200 ms), and what it costs the GOPROXY path.
//   1. A data directory filled with --versions versions of --modules modules written straight
//      through the Storage interface (.info, .mod, a small .zip each), plus a few real modules
//      fetched through modgate from a fixture upstream.
//   2. `modgate serve` on it (default configuration, as users run it; checksum verification off
//      as in every bench: the generated modules are in no checksum database). Once its catalog
//      has listed storage, each API endpoint and each /-/ui/ page is asked --requests times,
//      one at a time (what a person waits for), after a few warm-up requests: p50, p99, max.
//   3. With --base-bin (a build without the dashboard wiring, see bench/README.md "Dashboard"),
//      the serving bench's mixed GOPROXY phase, modgate against that build in the same rounds:
//      `node dist/bench/run.js --phases mixed --only modgate --base-bin <that bin>`.
//   npm run bench:dashboard
//   flock /tmp/modgate-bench.lock node dist/bench/dashboard.js --requests 200 [--base-bin F]
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DiskStorage } from '../src/storage/index.js';
import { FixtureProxy } from '../test/support/fixture-proxy.js';
import { prng, pseudoRandomBytes } from './bench-tree.js';
import { repoRoot } from './paths.js';
import { startModgate, type BenchServer } from './servers.js';

const { values: args } = parseArgs({
  options: {
    modules: { type: 'string', default: '1000' },
    versions: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '200' },
    'base-bin': { type: 'string' },
    'ab-duration': { type: 'string', default: '10' },
    'ab-rounds': { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
  },
});
const MODULES = Number(args.modules);
const VERSIONS = Number(args.versions);
const REQUESTS = Number(args.requests);
const TARGET_MS = 200;

const log = (msg: string): void => void process.stderr.write(`[bench:dashboard] ${msg}\n`);

/** A module path of the generated set: org/module, so that searches have something to find. */
const modulePath = (m: number): string => `bench.example/org${m % 37}/module-${m}`;

async function fill(dataDir: string): Promise<void> {
  const storage = await DiskStorage.open(dataDir);
  const rand = prng(15);
  const perModule = Math.ceil(VERSIONS / MODULES);
  let written = 0;
  const jobs: Promise<void>[] = [];
  for (let m = 0; m < MODULES && written < VERSIONS; m++) {
    const path = modulePath(m);
    for (let v = 0; v < perModule && written < VERSIONS; v++, written++) {
      const version = `v1.${v}.0`;
      const base = `${path}/@v/${version}`;
      const time = new Date(Date.UTC(2023, 0, 1) + written * 60_000).toISOString();
      jobs.push(
        storage.putBytes(
          `${base}.info`,
          Buffer.from(JSON.stringify({ Version: version, Time: time })),
        ),
        storage.putBytes(`${base}.mod`, Buffer.from(`module ${path}\n\ngo 1.21\n`)),
        storage.putBytes(`${base}.zip`, pseudoRandomBytes(512 + Math.floor(rand() * 4096), rand)),
      );
      if (jobs.length >= 256) await Promise.all(jobs.splice(0));
    }
    jobs.push(storage.putBytes(`${path}/@v/list`, Buffer.from('')));
  }
  await Promise.all(jobs);
  await storage.close();
}

/** p50, p99 and max of `n` sequential GETs of `url` (after 5 unmeasured ones), in ms. */
async function timeGets(
  url: string,
  n: number,
): Promise<{ p50: number; p99: number; max: number; status: number }> {
  let status = 0;
  const once = async (): Promise<number> => {
    const t = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    status = res.status;
    return performance.now() - t;
  };
  for (let i = 0; i < 5; i++) await once();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) ms.push(await once());
  ms.sort((a, b) => a - b);
  const at = (q: number): number => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: ms.at(-1) ?? NaN, status };
}

const loadBefore = loadavg();
const workDir = await mkdtemp(join(tmpdir(), 'modgate-bench-dashboard-'));
const dataDir = join(workDir, 'data');
let server: BenchServer | undefined;
let fixture: FixtureProxy | undefined;
try {
  let t = performance.now();
  await fill(dataDir);
  log(
    `wrote ${VERSIONS} versions of ${MODULES} modules in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  fixture = await FixtureProxy.create(
    ['golang.org/x/text', 'github.com/BurntSushi/toml', 'rsc.io/quote'].map((path) => ({
      path,
      version: 'v1.0.0',
    })),
  );
  server = await startModgate({
    dataDir,
    upstream: fixture.url,
    accessLog: join(workDir, 'access.log'),
  });
  for (const path of ['golang.org/x/text', 'github.com/!burnt!sushi/toml', 'rsc.io/quote']) {
    for (const file of ['info', 'mod', 'zip']) {
      const res = await fetch(`${server.url}/${path}/@v/v1.0.0.${file}`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path} ${file}: ${res.status}`);
    }
  }
  t = performance.now();
  for (;;) {
    const status = (await (await fetch(`${server.url}/-/api/status`)).json()) as {
      catalog: { versions: number; scannedAt?: string };
    };
    if (status.catalog.scannedAt !== undefined && status.catalog.versions >= VERSIONS) break;
    if (performance.now() - t > 300_000) throw new Error('the catalog was not listed in 5 minutes');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log(
    `catalog listed ${VERSIONS}+ versions ${((performance.now() - t) / 1000).toFixed(1)} s after start`,
  );
  const some = modulePath(Math.floor(MODULES / 2));
  const endpoints: [string, string][] = [
    ['api status', '/-/api/status'],
    ['api modules (first page)', '/-/api/modules'],
    ['api modules ?q=module-5', '/-/api/modules?q=module-5'],
    ['api modules ?q=nothing', '/-/api/modules?q=no-such-module'],
    ['api module', `/-/api/modules/${some}`],
    ['api version', `/-/api/modules/${some}/@v/v1.3.0`],
    ['api activity', '/-/api/activity'],
    ['api setup', '/-/api/setup'],
    ['page status', '/-/ui/'],
    ['page modules', '/-/ui/modules'],
    ['page modules ?q=module-5', '/-/ui/modules?q=module-5'],
    ['page module', `/-/ui/modules/${some}`],
    ['page version', `/-/ui/modules/${some}/@v/v1.3.0`],
    ['page activity', '/-/ui/activity'],
    ['page setup', '/-/ui/setup'],
  ];
  const rows: string[] = [];
  let worst = 0;
  for (const [name, path] of endpoints) {
    const r = await timeGets(`${server.url}${path}`, REQUESTS);
    worst = Math.max(worst, r.p99);
    rows.push(
      `${name.padEnd(28)} ${String(r.status).padStart(6)} ${r.p50.toFixed(2).padStart(9)} ${r.p99.toFixed(2).padStart(9)} ${r.max.toFixed(2).padStart(9)}`,
    );
  }
  const loadAfter = loadavg();
  process.stdout.write(
    `\nDashboard with ${VERSIONS} generated + 3 real versions, ${REQUESTS} sequential requests each (ms)\n` +
      `${'endpoint'.padEnd(28)} ${'status'.padStart(6)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)}\n` +
      `${rows.join('\n')}\n` +
      `target: every p99 under ${TARGET_MS} ms: ${worst < TARGET_MS ? 'PASS' : 'FAIL'} (worst p99 ${worst.toFixed(2)} ms)\n` +
      `load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}\n`,
  );
} finally {
  await server?.stop();
  await fixture?.close();
  if (!args.keep) await rm(workDir, { recursive: true, force: true });
  else log(`kept ${workDir}`);
}

const base = args['base-bin'];
if (base !== undefined) {
  log(`mixed GOPROXY phase: this build against ${base} (the dashboard's cost on the GOPROXY path)`);
  const r = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'dist', 'bench', 'run.js'),
      '--phases',
      'mixed',
      '--only',
      'modgate',
      '--base-bin',
      base,
      '--duration',
      String(args['ab-duration']),
      '--rounds',
      String(args['ab-rounds']),
    ],
    { stdio: 'inherit' },
  );
  process.exitCode = r.status ?? 1;
}
