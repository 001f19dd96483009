import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FaultUpstream, type Fault } from '../support/fault-upstream.js';
import { FixtureProxy, type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox, type GoResult } from '../support/go-sandbox.js';
import { ModgateProcess } from '../support/modgate-process.js';
import { rawRequest } from '../support/raw-request.js';
import { assertStoredAsFixture } from '../support/stored-files.js';

// Issue 11, resilience with the real go command: a dead first upstream in `dead|good` — one
// that accepts connections and never answers (hangs), and one that resets every answer — must
// not stop builds (the go command resolves, downloads and builds through modgate), its circuit
// breaker opens after `breaker_failures` failed attempts, and from then on requests skip it
// without reaching it at all. Bounds are on counts (attempts that reached the dead upstream),
// never on durations. Nothing the dead upstream did may end up stored.

const BREAKER_FAILURES = 2;
/** The modules of each phase: a build needs their list, .info, .mod and .zip. */
const PHASE_MODULES = 3;

interface DeadCase {
  name: string;
  fault: Fault;
  /** The attempt outcome the dead upstream's failures are counted as in /metrics. */
  outcome: 'timeout' | 'error';
}

const CASES: DeadCase[] = [
  { name: 'hang', fault: { kind: 'no-answer' }, outcome: 'timeout' },
  { name: 'reset', fault: { kind: 'reset', afterBytes: 0 }, outcome: 'error' },
];

const modPath = (c: string, phase: number, i: number): string =>
  `example.com/res/${c}/p${phase}m${i}`;

function modules(): FixtureModule[] {
  const out: FixtureModule[] = [];
  for (const c of CASES) {
    for (const phase of [1, 2]) {
      for (let i = 0; i < PHASE_MODULES; i++) {
        const path = modPath(c.name, phase, i);
        const pkg = `p${phase}m${i}`;
        out.push({
          path,
          version: 'v1.0.0',
          files: { [`${pkg}.go`]: `package ${pkg}\n\nconst Name = "${path}"\n` },
        });
      }
    }
  }
  return out;
}

/** The sum of a counter or gauge's samples whose labels include every pair of `labels`. */
function metricValue(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const close = line.lastIndexOf('}');
    const labelText = close >= 0 ? line.slice(name.length + 1, close) : '';
    const ok = Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`));
    if (ok)
      sum += Number(
        line
          .slice(close + 1)
          .trim()
          .split(' ')[0],
      );
  }
  return sum;
}

describe('resilience: a dead upstream in dead|good with the go command', { concurrency: 2 }, () => {
  let fixture: FixtureProxy;
  const dead = new Map<string, FaultUpstream>();
  const modgates = new Map<string, ModgateProcess>();
  const sandboxes = new Map<string, GoSandbox>();

  before(async () => {
    fixture = await FixtureProxy.create(modules());
    for (const c of CASES) {
      const upstream = await FaultUpstream.start(fixture.root);
      upstream.set(/.*/, c.fault);
      dead.set(c.name, upstream);
      const [modgate, go] = await Promise.all([
        ModgateProcess.start({
          upstream: `${upstream.url}|${fixture.url}`,
          settings: {
            upstream_http: { metadata_timeout: '2s', zip_timeout: '3s' },
            resilience: {
              retries: 2,
              retry_initial_delay: '10ms',
              breaker_failures: BREAKER_FAILURES,
              // No probe during the test: once open, the breaker stays open.
              breaker_cooldown: '1h',
            },
          },
        }),
        GoSandbox.create(),
      ]);
      modgates.set(c.name, modgate);
      sandboxes.set(c.name, go);
    }
  });
  after(async () => {
    await Promise.all([...modgates.values()].map((m) => m.stop()));
    await Promise.all([...sandboxes.values()].map((g) => g.cleanup()));
    await Promise.all([...dead.values()].map((d) => d.close()));
    await fixture?.close();
  });

  /** `go mod tidy` (list, @latest/.info, .mod, .zip of each module) then `go build`. */
  async function build(c: DeadCase, phase: number): Promise<GoResult[]> {
    const go = sandboxes.get(c.name);
    const modgate = modgates.get(c.name);
    assert.ok(go && modgate);
    const dir = await go.newModule(`example.com/main/${c.name}/p${phase}`);
    const imports = Array.from({ length: PHASE_MODULES }, (_, i) => modPath(c.name, phase, i));
    await writeFile(
      join(dir, 'main.go'),
      `package main\n\nimport (\n\t"fmt"\n\n${imports.map((p, i) => `\tm${i} "${p}"`).join('\n')}\n)\n\nfunc main() {\n${imports.map((_, i) => `\tfmt.Println(m${i}.Name)`).join('\n')}\n}\n`,
    );
    const tidy = await go.run(['mod', 'tidy'], { proxy: modgate.url, cwd: dir });
    const built = await go.run(['build', './...'], { proxy: modgate.url, cwd: dir });
    return [tidy, built];
  }

  for (const c of CASES) {
    test(`${c.name}: builds succeed, the breaker opens and is then skipped at once, nothing bad stored`, async () => {
      const upstream = dead.get(c.name);
      const modgate = modgates.get(c.name);
      assert.ok(upstream && modgate);

      // Phase 1: the dead upstream is met, its breaker opens; the build succeeds through good.
      for (const r of await build(c, 1)) assert.equal(r.code, 0, r.stdout + r.stderr);
      const reached = upstream.requests.length;
      assert.ok(reached >= BREAKER_FAILURES, `the dead upstream was tried (${reached})`);
      // Without the breaker every call reaches it: a list for each module and each of its path
      // prefixes (go mod tidy looks imports up at every prefix), then .info, .mod and .zip per
      // module, the failures retried (measured with breaker_failures 0: 15 attempts at the
      // hanging upstream, 33 at the resetting one). With it, attempts stop once it is open:
      // only those already under way then (about one per call in flight) and a retry that
      // began before it opened still reach it.
      const inFlight = PHASE_MODULES + 3;
      assert.ok(
        reached <= 2 * inFlight,
        `attempts at the dead upstream stay bounded (${reached}: ${upstream.requests.map((r) => r.path).join(' ')})`,
      );

      const ready = await rawRequest(modgate.url, '/readyz');
      assert.equal(ready.status, 200, 'an open breaker does not fail readiness');
      const health = JSON.parse(ready.body.toString()) as {
        upstreams: { upstream: string; state: string }[];
      };
      assert.deepEqual(
        health.upstreams.find((u) => u.upstream === upstream.url)?.state,
        'open',
        ready.body.toString(),
      );

      // Phase 2: new modules; the open breaker sends every request to good without a try.
      for (const r of await build(c, 2)) assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(upstream.requests.length, reached, 'no request reached the dead upstream');

      await modgate.assertAlive(`after ${c.name}`);
      await assertStoredAsFixture(modgate.dataDir, fixture.root);

      // The metrics show each fault: failed attempts, refused ones, the breaker open.
      const metrics = (await rawRequest(modgate.url, '/metrics')).body.toString();
      const at = { upstream: upstream.url };
      const count = (outcome: string): number =>
        metricValue(metrics, 'modgate_upstream_requests_total', { ...at, outcome });
      const upstreamLines = metrics
        .split('\n')
        .filter((l) => l.startsWith('modgate_upstream_') && !l.includes('_bucket'))
        .join('\n');
      // Every attempt that reached it is counted (paths the fault upstream does not have are
      // answered 404 before any fault), the failures at least as many as opened the breaker.
      assert.equal(count(c.outcome) + count('not_found'), reached, upstreamLines);
      assert.ok(count(c.outcome) >= BREAKER_FAILURES, upstreamLines);
      assert.ok(
        count('rejected') >= PHASE_MODULES * 3,
        'phase 2 alone asks for 3 files or more per module, each refused by the breaker',
      );
      assert.equal(
        metricValue(metrics, 'modgate_upstream_breaker_state', { ...at, state: 'open' }),
        1,
      );
      assert.equal(
        metricValue(metrics, 'modgate_upstream_breaker_transitions_total', { ...at, to: 'open' }),
        1,
      );
      assert.ok(
        metricValue(metrics, 'modgate_upstream_requests_total', {
          upstream: fixture.url,
          outcome: 'ok',
        }) >=
          PHASE_MODULES * 2 * 3,
      );
    });
  }
});
