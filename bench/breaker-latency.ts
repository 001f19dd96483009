import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FaultUpstream } from '../test/support/fault-upstream.js';
import { FixtureProxy, type FixtureModule } from '../test/support/fixture-proxy.js';
import { startModgate, type BenchServer } from './servers.js';

// Issue 11: what an open circuit breaker adds to a request (target: under 50 ms). Two modgate
// processes, each asked for .info files it has never seen (every request a miss that goes
// upstream): one with `dead|good`, `dead` a server that accepts and never answers and whose
// breaker is open, one with `good` alone. Requests alternate between them, one at a time, so
// load on the machine hits both alike; the result is the per-request latency of each and the
// difference of their medians.
//
//   npx tsc -p tsconfig.json && flock /tmp/modgate-bench.lock node dist/bench/breaker-latency.js [N]

const N = Number(process.argv[2] ?? 300);

function get(agent: Agent, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const f = (x: number): string => x.toFixed(2).padStart(7);
  return `p50 ${f(quantile(s, 0.5))}  p90 ${f(quantile(s, 0.9))}  p99 ${f(quantile(s, 0.99))}  max ${f(s.at(-1) ?? NaN)} ms`;
}

async function main(): Promise<void> {
  const modules: FixtureModule[] = Array.from({ length: N + 1 }, (_, i) => ({
    path: `example.com/bench/m${i}`,
    version: 'v1.0.0',
  }));
  const good = await FixtureProxy.create(modules);
  const dead = await FaultUpstream.start(good.root);
  dead.set(/.*/, { kind: 'no-answer' });
  const work = await mkdtemp(join(tmpdir(), 'modgate-breaker-bench-'));
  const env = {
    MODGATE_RESILIENCE_BREAKER_FAILURES: '1',
    MODGATE_RESILIENCE_BREAKER_COOLDOWN: '1h',
    MODGATE_UPSTREAM_HTTP_METADATA_TIMEOUT: '2s',
    MODGATE_CACHE_NOT_FOUND_TTL: '0s',
  };
  const servers: BenchServer[] = [];
  try {
    const withDead = await startModgate({
      name: 'dead|good',
      dataDir: join(work, 'a'),
      upstream: `${dead.url}|${good.url}`,
      accessLog: null,
      env,
    });
    servers.push(withDead);
    const alone = await startModgate({
      name: 'good',
      dataDir: join(work, 'b'),
      upstream: good.url,
      accessLog: null,
      env,
    });
    servers.push(alone);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });

    // Open the breaker: the first request waits for the dead upstream's 2 s timeout.
    const first = await get(agent, `${withDead.url}/example.com/bench/m${N}/@v/v1.0.0.info`);
    const ready = JSON.parse((await get(agent, `${withDead.url}/readyz`)).body) as {
      upstreams: { upstream: string; state: string }[];
    };
    const state = ready.upstreams.find((u) => u.upstream === dead.url)?.state;
    if (first.status !== 200 || state !== 'open') {
      throw new Error(`breaker not open (first ${first.status}, state ${state ?? '?'})`);
    }
    const reachedBefore = dead.requests.length;

    const load = (await readFile('/proc/loadavg', 'utf8')).trim();
    const times: Record<string, number[]> = { 'dead|good': [], good: [] };
    for (let i = 0; i < N; i++) {
      const path = `/example.com/bench/m${i}/@v/v1.0.0.info`;
      // Alternate which goes first, so neither always follows the other's disk writes.
      const order = i % 2 === 0 ? [withDead, alone] : [alone, withDead];
      for (const s of order) {
        const t0 = performance.now();
        const res = await get(agent, s.url + path);
        const ms = performance.now() - t0;
        if (res.status !== 200) throw new Error(`${s.name} ${path}: ${res.status} ${res.body}`);
        times[s.name]?.push(ms);
      }
    }
    const loadAfter = (await readFile('/proc/loadavg', 'utf8')).trim();
    agent.destroy();

    const med = (xs: number[]): number =>
      quantile(
        [...xs].sort((a, b) => a - b),
        0.5,
      );
    const a = times['dead|good'] ?? [];
    const b = times.good ?? [];
    console.log(
      `breaker-latency: ${N} cache misses (.info) per server, one at a time, alternating`,
    );
    console.log(`load average before: ${load}`);
    console.log(`dead|good (breaker open): ${summary(a)}`);
    console.log(`good alone:               ${summary(b)}`);
    console.log(`added by the open breaker (p50 difference): ${(med(a) - med(b)).toFixed(2)} ms`);
    console.log(
      `requests that reached the dead upstream during the run: ${dead.requests.length - reachedBefore}`,
    );
    console.log(`load average after:  ${loadAfter}`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await dead.close();
    await good.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
