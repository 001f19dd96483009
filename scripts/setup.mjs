#!/usr/bin/env node
// Set-up shared by `npm start`, `npm test` and `npm run bench`: installs what is missing, then
// builds. Idempotent and quiet when everything is already there.
//   node scripts/setup.mjs            npm dependencies + build
//   node scripts/setup.mjs --test     also the Debian packages the tests use (go, x/mod sources,
//                                     chromium for the dashboard's browser tests)
//   node scripts/setup.mjs --bench    also the Debian packages the benchmarks use (nginx, wrk)
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}
function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
function log(msg) {
  process.stderr.write(`[setup] ${msg}\n`);
}

// 1. npm dependencies (installed when missing or older than the lock file).
const lock = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.package-lock.json');
// A node_modules that is a symbolic link is another checkout's install, shared (a git worktree):
// `npm ci` would empty the directory it points to under every checkout that shares it.
const shared =
  existsSync(join(root, 'node_modules')) && lstatSync(join(root, 'node_modules')).isSymbolicLink();
if (shared && existsSync(marker) && statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  log(
    'node_modules is a shared link: not reinstalling it (run `npm ci` where it lives if the lock file changed)',
  );
} else if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  log('installing npm dependencies (npm ci)');
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) process.exit(1);
}

// 2. Debian packages, only for tests / benchmarks.
const debs = [];
if (args.has('--test')) {
  if (!have('go')) debs.push('golang-go');
  if (!existsSync('/usr/share/gocode/src/golang.org/x/mod/zip/testdata'))
    debs.push('golang-golang-x-mod-dev');
  if (!have('git')) debs.push('git');
  // A real sshd on 127.0.0.1 for the direct-fetch-over-ssh tests (serve-direct-ssh).
  if (!existsSync('/usr/sbin/sshd')) debs.push('openssh-server');
  // promtool checks and unit-tests the shipped alert rules (deploy/prometheus).
  if (!have('promtool')) debs.push('prometheus');
  // The multi-replica tests coordinate replicas through a real Redis (issue 12).
  if (!have('redis-server')) debs.push('redis-server');
  // The dashboard's browser tests drive Debian's chromium with playwright-core (issue 15).
  if (!existsSync('/usr/bin/chromium')) debs.push('chromium');
  // A font with Chinese characters, so the zh-CN screenshots show text rather than boxes.
  if (!existsSync('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'))
    debs.push('fonts-wqy-microhei');
}
if (args.has('--bench')) {
  if (!existsSync('/usr/sbin/nginx')) debs.push('nginx-light');
  if (!have('wrk')) debs.push('wrk');
  if (!have('go')) debs.push('golang-go');
}
if (debs.length > 0) {
  if (process.getuid?.() !== 0) {
    log(
      `missing Debian packages: ${debs.join(' ')}; install them with: sudo apt-get install ${debs.join(' ')}`,
    );
    process.exit(1);
  }
  log(`installing Debian packages: ${debs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet = { env, stdio: ['ignore', 'ignore', 'inherit'] };
  if (run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...debs], quiet) !== 0) {
    run('apt-get', ['update', '-q'], quiet);
    if (run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...debs], quiet) !== 0) {
      log('apt-get install failed');
      process.exit(1);
    }
  }
}

// 3. Build (incremental: fast when nothing changed).
if (run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json']) !== 0) {
  log('build failed');
  process.exit(1);
}
