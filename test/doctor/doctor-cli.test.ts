import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Finding } from '../../src/doctor/finding.js';
import { LAYERS } from '../../src/doctor/finding.js';
import type { DoctorJson } from '../../src/doctor/format-report.js';
import { runBounded } from '../../src/doctor/run-bounded.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { TestSumdb } from '../support/test-sumdb.js';
import { ClientConfigServer } from './client-config-server.js';
import { DoctorSandbox } from './doctor-sandbox.js';

// `modgate doctor` as users run it: node bin/modgate.js doctor … (needs the build), with the
// sandbox's environment, the real go command and files, and a company modgate's
// client-config served on 127.0.0.1. Other engineers' layers run too; the assertions below
// hold whatever they find (exit status = the JSON's), and are exact for this part's layers.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'modgate.js');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const LIB = 'corp.example.com/lib';
const MINE = new Set(['go', 'module', 'server']);

let sandbox: DoctorSandbox;
let proxy: FixtureProxy;
let config: ClientConfigServer;
let sumdb: TestSumdb;
let dir: string;

before(async () => {
  sandbox = await DoctorSandbox.create();
  proxy = await FixtureProxy.create([
    { path: LIB, version: 'v1.0.0', files: { 'lib.go': 'package lib\n' } },
  ]);
  sumdb = await TestSumdb.create();
  config = await ClientConfigServer.start({
    url: proxy.url,
    goproxy: `${proxy.url},off`,
    private: 'corp.example.com',
    gosumdb: `${sumdb.verifierKey} ${sumdb.url}`,
    credentials: false,
  });
  dir = await sandbox.module('app', {
    'go.mod': `module example.com/app\n\ngo 1.19\n\nrequire ${LIB} v1.0.0\n`,
  });
});
after(async () => {
  await config.close();
  await sumdb.close();
  await proxy.close();
  await sandbox.cleanup();
});

function doctor(args: string[], env: Record<string, string | undefined>) {
  return runBounded(process.execPath, [bin, 'doctor', ...args], {
    env,
    cwd: dir,
    timeoutMs: 60_000,
  });
}

/** The machine as the company modgate wants it (its goproxy, its private patterns in GONOSUMDB). */
function healthyEnv(extra: Record<string, string | undefined> = {}) {
  return sandbox.env({
    GOPROXY: `${proxy.url},off`,
    GONOSUMDB: 'corp.example.com',
    GOSUMDB: `${sumdb.verifierKey} ${sumdb.url}`,
    GOFLAGS: '-modcacherw',
    ...extra,
  });
}

function parse(stdout: string): DoctorJson {
  return JSON.parse(stdout) as DoctorJson;
}

describe('modgate doctor (CLI)', () => {
  test('a healthy machine pointed at its modgate: every check of the go, module and server layers is ok', async () => {
    // go mod download first, so go.sum has its lines as on a developer's machine.
    const dl = await sandbox.go(['mod', 'download', LIB], dir, healthyEnv());
    assert.equal(dl.code, 0, dl.stderr);
    const r = await doctor([dir, '--json', '--server', config.url], healthyEnv());
    const doc = parse(r.stdout);
    const mine = doc.findings.filter((f) => MINE.has(f.layer));
    for (const f of mine)
      assert.equal(f.status, 'ok', `${f.check} ${f.subject ?? ''}: ${f.summary}`);
    assert.ok(mine.some((f) => f.layer === 'server'));
    assert.equal(r.code, doc.summary.exitStatus, r.stderr);
  });

  test('--json: the documented schema, the exit status 1 with a fail finding, in report order', async () => {
    const r = await doctor([dir, '--json', '--offline'], healthyEnv({ GO111MODULE: 'off' }));
    assert.equal(r.code, 1, r.stderr);
    const doc = parse(r.stdout);
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.modgateVersion, pkg.version);
    const statuses = ['ok', 'warn', 'fail', 'skip'];
    for (const f of doc.findings as Finding[]) {
      assert.match(f.check, /^[a-z-]+\.[a-z0-9-]+$/);
      assert.ok((LAYERS as readonly string[]).includes(f.layer), f.layer);
      assert.ok(statuses.includes(f.status), f.status);
      assert.equal(typeof f.summary, 'string');
    }
    const order = doc.findings.map((f) => LAYERS.indexOf(f.layer));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
    const counts = { ok: 0, warn: 0, fail: 0, skip: 0 };
    for (const f of doc.findings) counts[f.status]++;
    assert.deepEqual(doc.summary, { ...counts, exitStatus: 1 });
    const off = doc.findings.find((f) => f.check === 'go.go111module');
    assert.equal(off?.status, 'fail');
    assert.ok(doc.findings.filter((f) => f.layer === 'network').every((f) => f.status === 'skip'));
  });

  test('the text report: layers, marks, the fix line, the summary; no colour when not a terminal', async () => {
    const r = await doctor([dir, '--offline'], healthyEnv({ GO111MODULE: 'off' }));
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^modgate doctor .* — .*\(go1\.\d+/);
    assert.match(r.stdout, /\nGo environment\n/);
    assert.match(r.stdout, /\n {2}✗ GO111MODULE: GO111MODULE=off: modules are disabled\n/);
    assert.match(r.stdout, /\n {6}fix: unset GO111MODULE/);
    assert.match(r.stdout, /\n\d+ problems?, \d+ warnings?, \d+ ok, \d+ skipped\n$/);
    assert.ok(!r.stdout.includes('\u001b['));
  });

  test('exit status 2 when doctor cannot run (a bad --timeout, an unknown flag)', async () => {
    const r = await doctor([dir, '--timeout', 'soon'], healthyEnv());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--timeout must be a whole number of ms/);
    const flag = await doctor([dir, '--jsn'], healthyEnv());
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option '--jsn'/);
  });

  test('MODGATE_SERVER names the company modgate like --server', async () => {
    const before = config.requests;
    const r = await doctor([dir, '--json'], healthyEnv({ MODGATE_SERVER: config.url }));
    const doc = parse(r.stdout);
    assert.ok(config.requests > before);
    assert.ok(doc.findings.some((f) => f.check === 'server.client-config' && f.status === 'ok'));
  });

  test('--fix shows and applies only the go env -w changes; go env reads them back; nothing else changes', async () => {
    const goenv = join(sandbox.root, 'goenv-fix');
    // A GOPROXY that refuses connections at once, so the network layer is quick.
    await writeFile(goenv, 'GO111MODULE=off\nGOPROXY=http://127.0.0.1:1\n');
    const env = sandbox.env({
      GOENV: goenv,
      GONOSUMDB: 'corp.example.com',
      GOSUMDB: `${sumdb.verifierKey} ${sumdb.url}`,
    });
    const goModBefore = await readFile(join(dir, 'go.mod'), 'utf8');
    const r = await doctor([dir, '--fix', '--server', config.url], env);
    assert.match(
      r.stdout,
      /--fix: applying 2 go env change\(s\):\n {2}go env -w GO111MODULE=on\n {2}go env -w GOPROXY=http:\/\/127\.0\.0\.1:\d+,off\n/,
    );
    assert.match(r.stdout, /✓ go env -w GO111MODULE=on\n/);
    assert.match(r.stdout, /Run modgate doctor again/);
    const back = await sandbox.go(['env', 'GO111MODULE', 'GOPROXY'], dir, env);
    assert.equal(back.stdout, `on\n${proxy.url},off\n`);
    assert.equal(await readFile(goenv, 'utf8'), `GO111MODULE=on\nGOPROXY=${proxy.url},off\n`);
    assert.equal(await readFile(join(dir, 'go.mod'), 'utf8'), goModBefore);
    // Run again: the go env findings that were fixed are ok now.
    const again = parse((await doctor([dir, '--json', '--offline'], env)).stdout);
    assert.equal(again.findings.find((f) => f.check === 'go.go111module')?.status, 'ok');
  });
});
