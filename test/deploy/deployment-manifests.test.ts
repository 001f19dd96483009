// The reference deployments (deploy/systemd, deploy/kubernetes; docs/deployment.md) checked
// against the code, so they cannot drift from it: the ConfigMap's modgate.yaml loads through
// the real config loader; every MODGATE_* variable named is a real setting; the probes ask for
// paths a running modgate answers, on the port it listens on; the Secret, ConfigMap and port
// names refer to each other; the systemd unit's ExecStart flags exist, its writable paths cover
// the data directory, and `systemd-analyze verify` (where the machine has it) finds nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { CONFIG_KEYS, envNameFor, loadConfig } from '../../src/config/index.js';
import { fetchOutcome } from '../support/fetch-outcome.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { ModgateProcess } from '../support/modgate-process.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(root, 'bin', 'modgate.js');
const k8sDir = join(root, 'deploy', 'kubernetes');
const unitFile = join(root, 'deploy', 'systemd', 'modgate.service');

type Obj = Record<string, unknown>;

/** Every document of every manifest, by kind/name. */
function loadManifests(): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const file of readdirSync(k8sDir).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8'))) {
      assert.deepEqual(doc.errors, [], `${file} parses`);
      const value = doc.toJS() as Obj | null;
      if (value === null) continue;
      const kind = String(value.kind);
      const meta = value.metadata as { name?: string } | undefined;
      const name = meta?.name ?? '';
      out.set(kind === 'Kustomization' ? kind : `${kind}/${name}`, value);
    }
  }
  return out;
}

/** `obj.a.b.c`, failing with the path when a step is missing. */
function at(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const step of path.split('.')) {
    assert.ok(typeof cur === 'object' && cur !== null, `${path}: no ${step}`);
    cur = (cur as Obj)[step];
  }
  assert.ok(cur !== undefined, `${path} is missing`);
  return cur;
}

const VALID_ENV = new Set(CONFIG_KEYS.map(envNameFor));

const manifests = loadManifests();
const deployment = manifests.get('Deployment/modgate');
const configMap = manifests.get('ConfigMap/modgate-config');
const secret = manifests.get('Secret/modgate-credentials');
const service = manifests.get('Service/modgate');

/** The ConfigMap's modgate.yaml (its key holds a dot, so not through `at`). */
function configYaml(): string {
  const text = (at(configMap, 'data') as Obj)['modgate.yaml'];
  assert.equal(typeof text, 'string', 'the ConfigMap has modgate.yaml');
  return text as string;
}

interface Container {
  args: string[];
  ports: { name: string; containerPort: number }[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: Obj } }[];
  readinessProbe: Obj;
  livenessProbe: Obj;
  startupProbe?: Obj;
  volumeMounts: { name: string; mountPath: string }[];
}

function container(): Container {
  const containers = at(deployment, 'spec.template.spec.containers') as Container[];
  assert.equal(containers.length, 1);
  return containers[0] as Container;
}

/** The ConfigMap's modgate.yaml as modgate loads it, with the Secret's keys in the env. */
async function loadedConfig(): Promise<ReturnType<typeof loadConfig>> {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-k8s-'));
  try {
    const file = join(dir, 'modgate.yaml');
    await writeFile(file, configYaml());
    const env = at(secret, 'stringData') as Record<string, string>;
    return loadConfig({ file, env });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('deploy/kubernetes', () => {
  test('has the Deployment, ConfigMap, example Secret, Service and a kustomization of them', () => {
    for (const [what, value] of Object.entries({ deployment, configMap, secret, service })) {
      assert.ok(value, `${what} is in deploy/kubernetes`);
    }
    const resources = at(manifests.get('Kustomization'), 'resources') as string[];
    for (const r of resources) assert.ok(existsSync(join(k8sDir, r)), `kustomization: ${r}`);
    assert.ok(!resources.includes('secret.example.yaml'), 'the example Secret is not applied');
    assert.ok((at(deployment, 'spec.replicas') as number) > 1, 'several replicas');
  });

  test("the ConfigMap's modgate.yaml is a valid configuration for replicas on S3", async () => {
    const config = await loadedConfig();
    assert.equal(config.storage.backend, 's3');
    assert.notEqual(config.storage.s3.bucket, '');
    assert.equal(config.listen.host, '0.0.0.0', 'reachable from the Service');
  });

  test('every MODGATE_* variable named is a real setting, credentials come from the Secret', () => {
    const secretName = String(at(secret, 'metadata.name'));
    const secretKeys = Object.keys(at(secret, 'stringData') as Obj);
    for (const key of secretKeys) assert.ok(VALID_ENV.has(key), `Secret key ${key}`);
    const env = container().env;
    for (const e of env) {
      if (!e.name.startsWith('MODGATE_')) continue;
      assert.ok(VALID_ENV.has(e.name), `${e.name} is not a modgate setting`);
      const ref = e.valueFrom?.secretKeyRef;
      assert.ok(ref, `${e.name} comes from the Secret, not a literal value`);
      assert.equal(ref.name, secretName);
      assert.ok(secretKeys.includes(String(ref.key)), `${e.name}: key ${String(ref.key)}`);
    }
    for (const key of secretKeys) {
      assert.ok(
        env.some((e) => e.name === key),
        `the Deployment passes the Secret's ${key}`,
      );
    }
  });

  test('the ConfigMap holds no credential', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modgate-k8s-'));
    try {
      const file = join(dir, 'modgate.yaml');
      await writeFile(file, configYaml());
      const alone = loadConfig({ file });
      assert.equal(alone.storage.s3.secretAccessKey, '');
      assert.equal(alone.coordination.redisUrl, '');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("the config file the replicas read is the ConfigMap's, and the probes and Service use the listen port", async () => {
    const c = container();
    const configArg = c.args[c.args.indexOf('--config') + 1];
    assert.equal(c.args[0], 'serve');
    const volumes = at(deployment, 'spec.template.spec.volumes') as {
      name: string;
      configMap?: { name: string };
    }[];
    const mount = c.volumeMounts.find((m) => join(m.mountPath, 'modgate.yaml') === configArg);
    assert.ok(mount, `a volume mounted where --config ${configArg} points`);
    const volume = volumes.find((v) => v.name === mount.name);
    assert.equal(volume?.configMap?.name, at(configMap, 'metadata.name'));

    const config = await loadedConfig();
    const http = c.ports.find((p) => p.name === 'http');
    assert.equal(http?.containerPort, config.listen.port, 'containerPort http = listen port');
    assert.equal(at(c.readinessProbe, 'httpGet.path'), '/readyz');
    assert.equal(at(c.livenessProbe, 'httpGet.path'), '/healthz');
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
      if (probe === undefined) continue;
      const port = at(probe, 'httpGet.port');
      assert.ok(port === 'http' || port === config.listen.port, `probe port ${String(port)}`);
    }
    const ports = at(service, 'spec.ports') as { targetPort: unknown }[];
    for (const p of ports)
      assert.ok(p.targetPort === 'http' || p.targetPort === http?.containerPort);
    assert.deepEqual(at(service, 'spec.selector'), at(deployment, 'spec.template.metadata.labels'));

    const grace = at(deployment, 'spec.template.spec.terminationGracePeriodSeconds') as number;
    assert.ok(
      grace * 1000 > config.server.shutdownGraceMs,
      'the kubelet waits longer than modgate finishes its requests',
    );
  });

  describe('the probe paths, asked of a running modgate', () => {
    let fixture: FixtureProxy;
    let modgate: ModgateProcess;
    before(async () => {
      fixture = await FixtureProxy.create([]);
      modgate = await ModgateProcess.start({ upstream: fixture.url });
    });
    after(async () => {
      await modgate?.stop();
      await fixture?.close();
    });
    test('answer 200', async () => {
      const c = container();
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
        if (probe === undefined) continue;
        const res = await fetchOutcome(modgate.url, String(at(probe, 'httpGet.path')));
        assert.equal(res.status, 200, String(at(probe, 'httpGet.path')));
      }
    });
  });
});

/** The unit's `Key=value` lines (comments and sections left out), in order. */
function unitEntries(text: string): [string, string][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';') && !l.startsWith('['))
    .map((l) => {
      const eq = l.indexOf('=');
      assert.ok(eq > 0, `unit line without '=': ${l}`);
      return [l.slice(0, eq), l.slice(eq + 1)];
    });
}

describe('deploy/systemd', () => {
  const text = readFileSync(unitFile, 'utf8');
  const entries = unitEntries(text);
  const get = (key: string): string[] => entries.filter(([k]) => k === key).map(([, v]) => v);

  test('ExecStart runs `modgate serve` with flags modgate has, on a data directory it may write', () => {
    const [exec = ''] = get('ExecStart');
    const [bin = '', command, ...args] = exec.split(/\s+/);
    assert.match(bin, /\/modgate$/);
    assert.equal(command, 'serve');
    const help = spawnSync(process.execPath, [BIN, 'serve', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    const flags = args.filter((a) => a.startsWith('--'));
    for (const flag of flags) assert.ok(help.stdout.includes(`${flag} `), `modgate serve ${flag}`);
    const dataDir = args[args.indexOf('--data-dir') + 1] ?? '';
    const writable = get('ReadWritePaths').flatMap((v) => v.split(/\s+/));
    assert.ok(
      writable.some((p) => dataDir === p || dataDir.startsWith(p + '/')),
      `ReadWritePaths covers --data-dir ${dataDir}`,
    );
    assert.ok(get('StateDirectory').some((d) => dataDir.startsWith(`/var/lib/${d}`)));
  });

  test('is hardened and restarts on failure; reload is SIGHUP, which serve handles', () => {
    assert.deepEqual(get('ProtectSystem'), ['strict']);
    assert.deepEqual(get('User'), ['modgate']);
    assert.deepEqual(get('Restart'), ['on-failure']);
    assert.deepEqual(get('NoNewPrivileges'), ['yes']);
    assert.deepEqual(get('ExecReload'), ['/bin/kill -HUP $MAINPID']);
    // (serve-access.e2e sends a running modgate SIGHUP: it stays up and reads the users again.)
    const sysusers = readFileSync(join(dirname(unitFile), 'modgate.sysusers.conf'), 'utf8');
    assert.match(sysusers, /^u modgate /m, 'the sysusers file creates the user');
    const stop = /^(\d+)s$/.exec(get('TimeoutStopSec')[0] ?? '');
    assert.ok(stop, 'TimeoutStopSec in seconds');
    const defaults = loadConfig({});
    assert.ok(Number(stop[1]) * 1000 > defaults.server.shutdownGraceMs);
  });

  test('systemd-analyze verify finds nothing to say about it', async (t) => {
    const which = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (which.error) {
      t.skip('systemd-analyze is not installed (the parse checks above still ran)');
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'modgate-unit-'));
    try {
      // verify checks that ExecStart's program exists: point it at this checkout's.
      const unit = join(dir, 'modgate.service');
      await writeFile(unit, text.replace(/^ExecStart=\S+/m, `ExecStart=${BIN}`));
      const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
      const about = `${r.stdout}${r.stderr}`
        .split('\n')
        .filter((l) => l.includes('modgate'))
        .join('\n');
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
      assert.equal(about, '', 'no warnings about the unit (unknown keys, bad values)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
