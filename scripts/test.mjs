#!/usr/bin/env node
// The whole test suite: format check, lint, type-check (the build in `pretest`), then every
// compiled test file under dist/test with Node's test runner.
//   npm test                      everything
//   npm test -- zip semver        only test files whose path contains one of the words
//   MODGATE_TEST_SKIP_LINT=1      skip prettier and eslint (quick local iterations)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(cmd, argv, env = process.env) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

if (filters.length === 0 && process.env.MODGATE_TEST_SKIP_LINT !== '1') {
  process.stderr.write('[test] prettier --check\n');
  if (run(bin('prettier'), ['--check', '--log-level', 'warn', '.']) !== 0) process.exit(1);
  process.stderr.write('[test] eslint\n');
  if (run(bin('eslint'), ['--max-warnings', '0', '.']) !== 0) process.exit(1);
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
let files = walk(join(root, 'dist', 'test'), []).sort();
if (filters.length > 0)
  files = files.filter((f) => filters.some((w) => relative(root, f).includes(w)));
if (files.length === 0) {
  process.stderr.write('[test] no test files matched\n');
  process.exit(1);
}
process.stderr.write(`[test] node --test (${files.length} files)\n`);
// Tests talk to 127.0.0.1 only: a proxy set for this machine (HTTPS_PROXY for npm or apt) must
// not reach modgate, git or the go command inside them; tests that need a proxy set their own.
const testEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(https?|no|all)_proxy$/i.test(k)),
);
process.exit(
  run(
    process.execPath,
    ['--enable-source-maps', '--test', '--test-concurrency=2', ...files],
    testEnv,
  ),
);
