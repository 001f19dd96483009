import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { DoctorJson } from '../../src/doctor/format-report.js';
import { runBounded } from '../../src/doctor/run-bounded.js';
import { DoctorSandbox } from './doctor-sandbox.js';

// `npx modgate doctor` from the npm package (issue 10 item 8): the package as `npm pack` makes
// it (package.json `files`: bin/ and the compiled dist/src/), installed into an empty project
// (dependencies from npm's cache or registry), and run through npx gives the same findings as
// the clone's command. `--ignore-scripts`: the test runner already built dist/, and prepack's
// tsc must not rewrite files other tests are running from.

const root = fileURLToPath(new URL('../../../', import.meta.url));
let sandbox: DoctorSandbox;
let project: string;
let dir: string;

before(async () => {
  sandbox = await DoctorSandbox.create();
  project = join(sandbox.root, 'npx-project');
  await mkdir(project);
  const env = { ...process.env, npm_config_yes: 'true' };
  const pack = await runBounded(
    'npm',
    ['pack', '--ignore-scripts', '--pack-destination', project, '--silent'],
    { cwd: root, env, timeoutMs: 120_000 },
  );
  assert.equal(pack.code, 0, pack.stderr);
  const tarball = pack.stdout.trim().split('\n').pop() ?? '';
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'uses-modgate', version: '1.0.0', private: true }),
  );
  const install = await runBounded(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball}`],
    { cwd: project, env, timeoutMs: 300_000 },
  );
  assert.equal(install.code, 0, install.stderr);
  dir = await sandbox.module('app', { 'go.mod': 'module example.com/app\n\ngo 1.19\n' });
});
after(async () => {
  await sandbox.cleanup();
});

test('npx modgate doctor from the packed package equals the clone’s command', async () => {
  const env = sandbox.env({ GOFLAGS: '-mod=vendor' });
  const npx = await runBounded(
    'npx',
    ['--no-install', 'modgate', 'doctor', dir, '--offline', '--json'],
    { cwd: project, env, timeoutMs: 60_000 },
  );
  const clone = await runBounded(
    process.execPath,
    [join(root, 'bin', 'modgate.js'), 'doctor', dir, '--offline', '--json'],
    { cwd: dir, env, timeoutMs: 60_000 },
  );
  assert.equal(npx.code, 1, npx.stderr);
  assert.equal(clone.code, 1, clone.stderr);
  const shape = (d: DoctorJson) => d.findings.map((f) => `${f.check} ${f.status} ${f.summary}`);
  assert.deepEqual(
    shape(JSON.parse(npx.stdout) as DoctorJson),
    shape(JSON.parse(clone.stdout) as DoctorJson),
  );
});
