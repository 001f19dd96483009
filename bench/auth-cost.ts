/**
 * The cost of client authentication on cached requests (issue 14): the same modgate build,
 * same data, three servers side by side in one run — no authentication (the default), and
 * `auth.users_file` with `access.default_read: authenticated` (every request authenticated
 * and checked) asked with HTTP Basic (a bcrypt-verified password, remembered) and with a
 * bearer token — each measured with wrk on the mixed cached load (bench-tree.ts), rounds
 * alternated. Reports requests/s and CPU ms per 1,000 requests of each, and the ratios.
 *
 *   node dist/bench/auth-cost.js [--duration S] [--rounds N] [--connections C]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import bcrypt from 'bcryptjs';
import { FixtureProxy } from '../test/support/fixture-proxy.js';
import { newToken } from '../src/cli/auth.js';
import { benchTree } from './bench-tree.js';
import { cpuMs } from './proc-stats.js';
import { startModgate, type BenchServer } from './servers.js';
import { runWrk } from './wrk.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
  },
});
const durationS = Number(values.duration);
const rounds = Number(values.rounds);
const connections = Number(values.connections);

const tree = benchTree({
  modules: 40,
  versions: 120,
  maxZipBytes: 64 * 1024,
  bigBytes: 1024,
  sequenceLength: 4000,
});
const work = await mkdtemp(join(tmpdir(), 'modgate-auth-bench-'));
const fixture = await FixtureProxy.create(tree.modules);
const token = newToken();
const usersFile = join(work, 'users.yaml');
await writeFile(
  usersFile,
  `users:\n  bench:\n    password: "${bcrypt.hashSync('bench-pw', 10)}"\n    tokens: [${token.hash}]\n`,
);
const pathsFile = join(work, 'paths.txt');
await writeFile(pathsFile, tree.mixedPaths.join('\n') + '\n');
const basic = `Authorization: Basic ${Buffer.from('bench:bench-pw').toString('base64')}`;
const bearer = `Authorization: Bearer ${token.token}`;
const authEnv = {
  MODGATE_AUTH_USERS_FILE: usersFile,
  MODGATE_ACCESS_DEFAULT_READ: 'authenticated',
};

const servers: BenchServer[] = [];
try {
  const dataDir = join(work, 'data');
  const plain = await startModgate({
    name: 'no auth',
    dataDir,
    upstream: fixture.url,
    accessLog: null,
  });
  servers.push(plain);
  const authed = await startModgate({
    name: 'auth',
    dataDir,
    upstream: fixture.url,
    accessLog: null,
    env: authEnv,
  });
  servers.push(authed);
  const rows = [
    { name: 'no authentication (default)', server: plain, headers: [] as string[] },
    { name: 'Basic (bcrypt, remembered)', server: authed, headers: [basic] },
    { name: 'Bearer token', server: authed, headers: [bearer] },
  ];
  // Warm-up: every path through each server (fills storage, then each answer cache).
  for (const row of rows) {
    for (const path of tree.distinctPaths) {
      const res = await fetch(row.server.url + path, {
        headers: Object.fromEntries(row.headers.map((h) => h.split(': ') as [string, string])),
      });
      if (res.status !== 200) throw new Error(`${row.name} ${path}: ${res.status}`);
      await res.arrayBuffer();
    }
  }
  const totals = rows.map(() => ({ requests: 0, seconds: 0, cpu: 0, errors: 0 }));
  const load = () => execFileSync('cat', ['/proc/loadavg']).toString().trim();
  console.log(`load before: ${load()}`);
  for (let round = 0; round < rounds; round++) {
    for (const [i, row] of rows.entries()) {
      const before = cpuMs(row.server.pids);
      const r = await runWrk({
        url: row.server.url,
        pathsFile,
        connections,
        durationS,
        headers: row.headers,
      });
      const t = totals[i]!;
      t.cpu += cpuMs(row.server.pids) - before;
      t.requests += r.requests;
      t.seconds += r.durationS;
      t.errors += r.socketErrors + r.statusErrors;
    }
  }
  console.log(`load after: ${load()}`);
  const base = totals[0]!;
  const baseRps = base.requests / base.seconds;
  const baseCpu = (base.cpu / base.requests) * 1000;
  for (const [i, row] of rows.entries()) {
    const t = totals[i]!;
    const rps = t.requests / t.seconds;
    const cpu = (t.cpu / t.requests) * 1000;
    console.log(
      `${row.name.padEnd(30)} ${rps.toFixed(0).padStart(7)} req/s (${(rps / baseRps).toFixed(2)} x)  ` +
        `${cpu.toFixed(1).padStart(6)} CPU ms/1,000 (${(cpu / baseCpu).toFixed(2)} x)  errors ${t.errors}`,
    );
  }
} finally {
  for (const s of servers) await s.stop();
  await fixture.close();
  await rm(work, { recursive: true, force: true });
}
