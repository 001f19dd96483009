import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { ClientConfig } from '../../src/doctor/doctor-context.js';
import type { DoctorJson } from '../../src/doctor/format-report.js';
import { runBounded } from '../../src/doctor/run-bounded.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { TestSumdb } from '../support/test-sumdb.js';
import { escapePath } from '../../src/module/index.js';
import { hashGoMod } from '../../src/zip/index.js';
import { hashZipFile } from '../../src/zip/files/index.js';
import { DoctorSandbox } from './doctor-sandbox.js';

// `modgate doctor --server` against a real `modgate serve` (built by the composition root,
// listening on 127.0.0.1): the client-config route answers what the server is configured
// with, a machine set up from it passes the server layer and downloads through it, and a
// machine that disagrees gets the go env -w lines that make it agree.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'modgate.js');
const LIB = 'example.org/lib';

let sandbox: DoctorSandbox;
let upstream: FixtureProxy;
let sumdb: TestSumdb;
let modgate: ModgateInstance;
let dir: string;

before(async () => {
  sandbox = await DoctorSandbox.create();
  upstream = await FixtureProxy.create([
    { path: LIB, version: 'v1.0.0', files: { 'lib.go': 'package lib\n' } },
  ]);
  // LIB is public: modgate fetches it from the upstream and the go command checks it against
  // the checksum database modgate serves under /sumdb/ (its record added here).
  const at = join(upstream.root, escapePath(LIB), '@v');
  sumdb = await TestSumdb.create({
    records: [
      {
        path: LIB,
        version: 'v1.0.0',
        zipHash: await hashZipFile(join(at, 'v1.0.0.zip')),
        modHash: hashGoMod(await readFile(join(at, 'v1.0.0.mod'))),
      },
    ],
  });
  modgate = await startModgate({
    upstream: upstream.url,
    private: 'corp.example.com',
    settings: { 'sumdb.databases': `${sumdb.verifierKey} ${sumdb.url}` },
  });
  dir = await sandbox.module('app', {
    'go.mod': `module example.com/app\n\ngo 1.19\n\nrequire ${LIB} v1.0.0\n`,
  });
});
after(async () => {
  await modgate.stop();
  await sumdb.close();
  await upstream.close();
  await sandbox.cleanup();
});

async function clientConfig(): Promise<ClientConfig> {
  const res = await fetch(`${modgate.url}/.well-known/modgate/client-config`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json');
  return (await res.json()) as ClientConfig;
}

function doctor(args: string[], env: Record<string, string | undefined>) {
  return runBounded(process.execPath, [bin, 'doctor', ...args], {
    env,
    cwd: dir,
    timeoutMs: 60_000,
  });
}

test('client-config names the listening server, its private patterns and the checksum database it serves', async () => {
  const cc = await clientConfig();
  assert.equal(cc.url, modgate.url);
  assert.equal(cc.goproxy, `${modgate.url},off`);
  assert.equal(cc.private, 'corp.example.com');
  assert.ok(cc.gosumdb.startsWith(sumdb.verifierKey.split('+')[0] ?? '?'), cc.gosumdb);
  assert.equal(cc.credentials, false);
});

test('a machine set up from client-config downloads through modgate and passes the server layer', async () => {
  const cc = await clientConfig();
  const env = sandbox.env({
    GOPROXY: cc.goproxy,
    GONOSUMDB: cc.private,
    GOSUMDB: cc.gosumdb,
    GOFLAGS: '-modcacherw',
  });
  const dl = await sandbox.go(['mod', 'download', LIB], dir, env);
  assert.equal(dl.code, 0, dl.stderr);
  const r = await doctor([dir, '--json', '--server', modgate.url], env);
  const doc = JSON.parse(r.stdout) as DoctorJson;
  const server = doc.findings.filter((f) => f.layer === 'server');
  assert.ok(server.length > 0, r.stdout);
  for (const f of server) assert.equal(f.status, 'ok', `${f.check}: ${f.summary}`);
  // Every layer, the network and the go command end to end included: nothing to fix.
  for (const f of doc.findings) {
    assert.ok(
      f.status === 'ok' || f.status === 'skip',
      `${f.check} ${f.subject ?? ''}: ${f.summary}`,
    );
  }
  assert.equal(r.code, 0, r.stderr);
});

test('a machine that disagrees with the server gets the go env -w line that makes it agree', async () => {
  const cc = await clientConfig();
  const env = sandbox.env({
    // Another proxy (one that refuses connections at once, so the network layer is quick).
    GOPROXY: 'http://127.0.0.1:1,off',
    GONOSUMDB: cc.private,
    GOSUMDB: cc.gosumdb,
  });
  const r = await doctor([dir, '--json', '--server', modgate.url], env);
  const doc = JSON.parse(r.stdout) as DoctorJson;
  const bad = doc.findings.filter((f) => f.layer === 'server' && f.status !== 'ok');
  assert.ok(bad.length > 0, JSON.stringify(doc.findings.filter((f) => f.layer === 'server')));
  const fixes = bad.flatMap((f) => f.fix ?? []).join('\n');
  assert.ok(fixes.includes(`go env -w GOPROXY=${cc.goproxy}`), JSON.stringify(bad));
});
