import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { DoctorJson } from '../../src/doctor/format-report.js';
import { runBounded } from '../../src/doctor/run-bounded.js';
import { DoctorSandbox } from './doctor-sandbox.js';

// The single-file doctor executable (issue 10 item 8): scripts/build-sea.mjs builds it from
// the compiled tree, and it runs on a PATH that has go and git but no node, giving the same
// findings as `node bin/modgate.js doctor`.

const root = fileURLToPath(new URL('../../../', import.meta.url));
let sandbox: DoctorSandbox;
let exe: string;
let noNodePath: string;
let dir: string;

before(async () => {
  sandbox = await DoctorSandbox.create();
  exe = join(sandbox.root, 'exe', 'modgate-doctor');
  execFileSync(process.execPath, [join(root, 'scripts', 'build-sea.mjs'), exe], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  noNodePath = join(sandbox.root, 'bin-without-node');
  await mkdir(noNodePath);
  for (const tool of ['go', 'git']) {
    const where = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    await symlink(where, join(noNodePath, tool));
  }
  dir = await sandbox.module('app', {
    'go.mod': 'module example.com/app\n\ngo 1.19\n',
  });
});
after(async () => {
  await sandbox.cleanup();
});

test('the executable runs without node on PATH: --version', async () => {
  const env = sandbox.env({ PATH: noNodePath });
  const which = await runBounded('/bin/sh', ['-c', 'command -v node || echo none'], {
    env,
    timeoutMs: 10_000,
  });
  assert.equal(which.stdout.trim(), 'none');
  const r = await runBounded(exe, ['--version'], { env, timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  assert.equal(r.stdout.trim(), version);
});

test('doctor --offline --json from the executable equals the installed command', async () => {
  const env = sandbox.env({ PATH: noNodePath, GOFLAGS: '-mod=vendor' });
  const fromExe = await runBounded(exe, ['doctor', dir, '--offline', '--json'], {
    env,
    cwd: dir,
    timeoutMs: 60_000,
  });
  const fromNode = await runBounded(
    process.execPath,
    [join(root, 'bin', 'modgate.js'), 'doctor', dir, '--offline', '--json'],
    { env, cwd: dir, timeoutMs: 60_000 },
  );
  const a = JSON.parse(fromExe.stdout) as DoctorJson;
  const b = JSON.parse(fromNode.stdout) as DoctorJson;
  assert.equal(a.schemaVersion, 1);
  // -mod=vendor without vendor/ is a problem: exit status 1 from both.
  assert.equal(fromExe.code, 1, fromExe.stderr);
  assert.equal(fromNode.code, 1, fromNode.stderr);
  const shape = (d: DoctorJson) => d.findings.map((f) => `${f.check} ${f.status} ${f.summary}`);
  assert.deepEqual(shape(a), shape(b));
  assert.ok(a.findings.some((f) => f.check === 'go.goflags' && f.status === 'fail'));
});
