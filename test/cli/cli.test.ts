import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';

// The CLI as operators run it: `node bin/modgate.js ...` (needs the build, as `npm test` does).
// Compiled to dist/test/cli/, so the repository root is three levels up.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'modgate.js');
const example = join(root, 'modgate.example.yaml');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of this test run without any MODGATE_* variable, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MODGATE_')) env[k] = v;
  return { ...env, ...extra };
}

/**
 * Runs modgate to completion (killed after 20 s so that a hang fails the test instead of
 * spinning). `onStdout` sees output as it arrives, e.g. to signal a server once it listens.
 */
function run(
  args: string[],
  opts: {
    env?: Record<string, string>;
    cwd: string;
    onStdout?: (text: string, signal: (sig: NodeJS.Signals) => void) => void;
  },
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: opts.cwd,
      env: cleanEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      opts.onStdout?.(stdout, (sig) => child.kill(sig));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** An expected failure is one line on stderr, never a stack trace. */
function assertOneLine(stderr: string): void {
  assert.equal(stderr.trim().split('\n').length, 1, `expected one line, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /^\s+at /m);
}

describe('modgate CLI', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  async function file(name: string, text: string): Promise<string> {
    const p = join(dir, name);
    await writeFile(p, text);
    return p;
  }

  test('--help lists the commands, serve --help the flags', async () => {
    const top = await run(['--help'], { cwd: dir });
    assert.equal(top.code, 0);
    assert.match(top.stdout, /serve/);
    assert.match(top.stdout, /config/);
    const serve = await run(['serve', '--help'], { cwd: dir });
    assert.equal(serve.code, 0);
    for (const flag of [
      '--config',
      '--listen',
      '--data-dir',
      '--upstream',
      '--private',
      '--log-level',
      '--log-format',
    ]) {
      assert.ok(serve.stdout.includes(flag), `serve --help does not mention ${flag}`);
    }
  });

  test('--version prints the package version', async () => {
    const r = await run(['--version'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  test('config check accepts the example file', async () => {
    const r = await run(['config', 'check', '--config', example], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
  });

  test('config check refuses a bad file with exit 2 and one line naming key and file', async () => {
    const bad = await file('bad.yaml', 'cache:\n  list_ttl: soon\n');
    const r = await run(['config', 'check', '--config', bad], { cwd: dir });
    assert.equal(r.code, 2);
    assertOneLine(r.stderr);
    assert.match(r.stderr, /cache\.list_ttl/);
    assert.ok(r.stderr.includes(bad), r.stderr);
  });

  test('config check refuses a typo in the file, an unknown MODGATE_* variable and a bad flag', async () => {
    const typo = await file('typo.yaml', 'log:\n  levle: debug\n');
    const r1 = await run(['config', 'check', '--config', typo], { cwd: dir });
    assert.equal(r1.code, 2);
    assertOneLine(r1.stderr);
    assert.match(r1.stderr, /log\.levle/);

    const r2 = await run(['config', 'check'], { cwd: dir, env: { MODGATE_LISTN: 'x' } });
    assert.equal(r2.code, 2);
    assertOneLine(r2.stderr);
    assert.match(r2.stderr, /MODGATE_LISTN/);

    const r3 = await run(['config', 'check', '--listen', 'nowhere'], { cwd: dir });
    assert.equal(r3.code, 2);
    assertOneLine(r3.stderr);
    assert.match(r3.stderr, /listen \(from the command line\)/);

    const r4 = await run(['config', 'check'], {
      cwd: dir,
      env: { MODGATE_CACHE_NOT_FOUND_TTL: 'never' },
    });
    assert.equal(r4.code, 2);
    assert.match(
      r4.stderr,
      /cache\.not_found_ttl \(from environment variable MODGATE_CACHE_NOT_FOUND_TTL\)/,
    );
  });

  test('config check validates upstream (GOPROXY syntax) and private (GOPRIVATE syntax)', async () => {
    const r1 = await run(['config', 'check', '--upstream', 'bogus'], { cwd: dir });
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /upstream \(from the command line\)/);
    const r2 = await run(['config', 'check', '--private', 'a['], { cwd: dir });
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /private \(from the command line\)/);
  });

  test('config print shows the effective configuration as YAML, with passwords hidden', async () => {
    const f = await file('print.yaml', 'cache:\n  list_ttl: 5m\n');
    const r = await run(['config', 'print', '--config', f, '--listen', '127.0.0.1:4000'], {
      cwd: dir,
      env: {
        MODGATE_UPSTREAM: 'https://alice:s3cr3t@proxy.corp.example/base',
        MODGATE_LOG_LEVEL: 'debug',
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /s3cr3t/);
    const printed = parseYaml(r.stdout) as Record<string, unknown>;
    assert.equal(printed.listen, '127.0.0.1:4000');
    assert.equal(printed.data_dir, join(dir, 'modgate-data'));
    assert.match(printed.upstream as string, /proxy\.corp\.example\/base/);
    assert.deepEqual(printed.cache, { list_ttl: '5m', not_found_ttl: '1m', prefetch_zips: true });
    assert.deepEqual(printed.log, { level: 'debug', format: 'auto', access_log: true });
  });

  test('config print of the defaults is itself a valid configuration file', async () => {
    const r = await run(['config', 'print'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const printed = await file('printed.yaml', r.stdout);
    const check = await run(['config', 'check', '--config', printed], { cwd: dir });
    assert.equal(check.code, 0, check.stderr);
  });

  test('serve logs its URL, and stops gracefully with exit 0 on SIGTERM', async () => {
    let signalled = false;
    const r = await run(['serve', '--listen', '127.0.0.1:0', '--upstream', 'off'], {
      cwd: dir,
      env: { MODGATE_STORAGE_BACKEND: 'memory', MODGATE_LOG_FORMAT: 'json' },
      onStdout: (text, signal) => {
        if (!signalled && /"url":"http:\/\/127\.0\.0\.1:\d+"/.test(text)) {
          signalled = true;
          signal('SIGTERM');
        }
      },
    });
    assert.ok(signalled, `never saw the listening line:\n${r.stdout}\n${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    for (const line of r.stdout.trim().split('\n')) JSON.parse(line); // JSON lines only
  });

  test('serve: a port in use is a runtime error (exit 1, one line)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const r = await run(['serve', '--listen', `127.0.0.1:${port}`, '--upstream', 'off'], {
        cwd: dir,
        env: { MODGATE_STORAGE_BACKEND: 'memory' },
      });
      assert.equal(r.code, 1);
      assertOneLine(r.stderr);
      assert.match(r.stderr, /EADDRINUSE|in use/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('serve: an unusable data directory is a runtime error (exit 1, one line)', async () => {
    // A path under a regular file (ENOTDIR). Not under /proc: Node's recursive mkdir spins
    // forever there (procfs answers ENOENT), see the report.
    const plain = await file('plain-file', '');
    const r = await run(
      ['serve', '--listen', '127.0.0.1:0', '--upstream', 'off', '--data-dir', join(plain, 'data')],
      {
        cwd: dir,
      },
    );
    assert.equal(r.code, 1);
    assertOneLine(r.stderr);
    assert.ok(r.stderr.includes(join(plain, 'data')), r.stderr);
  });

  test('serve: a bad configuration is exit 2 before anything starts', async () => {
    const r = await run(['serve', '--listen', '127.0.0.1:99999'], { cwd: dir });
    assert.equal(r.code, 2);
    assertOneLine(r.stderr);
    assert.match(r.stderr, /listen/);
  });
});
