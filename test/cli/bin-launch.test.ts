import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

// bin/modgate.js executed as a program, the way the installed `modgate` command and `npm start`
// run it: its `#!/usr/bin/env -S NODE_OPTIONS=… node` line starts node with modgate's default
// memory flag (issue 9 item 6). Compiled to dist/test/cli/, so the repository root is three
// levels up.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'modgate.js');
const DEFAULT_FLAG = '--max-semi-space-size=4';
/** On the #! line's node command line (node does not accept it in NODE_OPTIONS). */
const CMDLINE_FLAG = '--liftoff-only';

/**
 * A module for `--import` that grows V8's young generation with many short- and medium-lived
 * objects and prints the largest new-space size it saw: 2 × the semi-space maximum once the
 * load is enough (V8's default maximum, 16 MB semi-spaces, is reached well within the loop).
 */
const GROW = `
import v8 from 'node:v8';
const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
let keep = [];
let max = 0;
for (let i = 0; i < 4e6; i++) {
  keep.push({ i });
  if (keep.length > 300000) keep = [];
  if ((i & 0xffff) === 0) max = Math.max(max, newSpace());
}
process.stderr.write('new_space_bytes=' + Math.max(max, newSpace()) + '\\n');
`;

interface Result {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** NODE_OPTIONS, the executable and the arguments of the process, read while it ran. */
  seen?: { nodeOptions: string; exe: string; argv: string[] };
}

/** The environment without MODGATE_* variables or NODE_OPTIONS, the test's node first on PATH. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('MODGATE_') && k !== 'NODE_OPTIONS') out[k] = v;
  }
  out.PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
  return { ...out, ...extra };
}

/**
 * Executes bin/modgate.js itself (no `node` in front). With `untilListening`, once the server
 * logs its URL: records the process's NODE_OPTIONS and executable from /proc, then sends it
 * `untilListening` (a signal).
 */
function exec(
  args: string[],
  opts: { env?: Record<string, string>; cwd: string; untilListening?: NodeJS.Signals },
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: opts.cwd,
      env: env(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result: Result = {
      pid: child.pid ?? -1,
      code: null,
      signal: null,
      stdout: '',
      stderr: '',
    };
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      result.stdout += chunk;
      const sig = opts.untilListening;
      if (sig && !result.seen && /"url":"http:\/\/127\.0\.0\.1:\d+"/.test(result.stdout)) {
        const environ = readFileSync(`/proc/${result.pid}/environ`, 'utf8').split('\0');
        result.seen = {
          nodeOptions: (environ.find((e) => e.startsWith('NODE_OPTIONS=')) ?? '').slice(13),
          exe: realpathSync(`/proc/${result.pid}/exe`),
          argv: readFileSync(`/proc/${result.pid}/cmdline`, 'utf8').split('\0').slice(0, -1),
        };
        child.kill(sig);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (result.stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ...result, code, signal });
    });
  });
}

/** The `new_space_bytes=N` that GROW printed. */
function newSpaceBytes(stderr: string): number {
  const m = /new_space_bytes=(\d+)/.exec(stderr);
  assert.ok(m?.[1], `no new_space_bytes in:\n${stderr}`);
  return Number(m[1]);
}

describe('bin/modgate.js executed (the installed command, npm start)', () => {
  let dir: string;
  let grow: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-bin-'));
    grow = join(dir, 'grow.mjs');
    await writeFile(grow, GROW);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('serve runs as node itself with the default flag first in NODE_OPTIONS; SIGTERM stops it gracefully, exit 0', async () => {
    const r = await exec(['serve', '--listen', '127.0.0.1:0', '--upstream', 'off'], {
      cwd: dir,
      env: { MODGATE_STORAGE_BACKEND: 'memory', MODGATE_LOG_FORMAT: 'json' },
      untilListening: 'SIGTERM',
    });
    assert.ok(r.seen, `never saw the listening line:\n${r.stdout}\n${r.stderr}`);
    // env replaced itself with node: the pid the caller holds (and signals) is the server's.
    assert.equal(r.seen.exe, realpathSync(process.execPath));
    assert.equal(r.seen.nodeOptions.trim(), DEFAULT_FLAG);
    assert.deepEqual(r.seen.argv.slice(1, 3), [CMDLINE_FLAG, bin]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.signal, null);
    assert.match(r.stdout, /"msg":"stopping: finishing in-flight requests"/);
    assert.match(r.stdout, /"msg":"stopped"/);
  });

  test('SIGINT also stops it gracefully; a user NODE_OPTIONS is kept, after the default', async () => {
    const r = await exec(['serve', '--listen', '127.0.0.1:0', '--upstream', 'off'], {
      cwd: dir,
      env: {
        MODGATE_STORAGE_BACKEND: 'memory',
        MODGATE_LOG_FORMAT: 'json',
        NODE_OPTIONS: '--max-semi-space-size=2 --no-warnings',
      },
      untilListening: 'SIGINT',
    });
    assert.ok(r.seen, `never saw the listening line:\n${r.stdout}\n${r.stderr}`);
    assert.equal(
      r.seen.nodeOptions.trim(),
      `${DEFAULT_FLAG} --max-semi-space-size=2 --no-warnings`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"signal":"SIGINT"/);
  });

  test('the young generation is capped at 2 × 4 MB (node alone grows it to 2 × 16 MB)', async () => {
    const viaBin = await exec(['--version'], {
      cwd: dir,
      env: { NODE_OPTIONS: `--import=${grow}` },
    });
    assert.equal(viaBin.code, 0, viaBin.stderr);
    assert.equal(newSpaceBytes(viaBin.stderr), 8 * 1024 * 1024);
    // The same load under node's defaults, to show that it does reach V8's default maximum.
    const plain = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [`--import=${grow}`, '-e', '0'], {
        env: env(),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('error', reject);
      child.on('close', () => resolve(stderr));
    });
    assert.equal(newSpaceBytes(plain), 32 * 1024 * 1024);
  });

  test("a user's own --max-semi-space-size in NODE_OPTIONS wins", async () => {
    const r = await exec(['--version'], {
      cwd: dir,
      env: { NODE_OPTIONS: `--import=${grow} --max-semi-space-size=2` },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(newSpaceBytes(r.stderr), 4 * 1024 * 1024);
  });

  test('exit codes pass through: a bad flag value is exit 2 with one line on stderr', async () => {
    const r = await exec(['serve', '--listen', 'bogus'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /listen/);
  });

  test('npm start runs the bin script itself, so it gets the same line', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      bin: Record<string, string>;
    };
    assert.equal(pkg.scripts.start, './bin/modgate.js serve');
    assert.equal(pkg.bin.modgate, 'bin/modgate.js');
    const firstLine = (await readFile(bin, 'utf8')).split('\n')[0];
    assert.equal(
      firstLine,
      `#!/usr/bin/env -S NODE_OPTIONS="${DEFAULT_FLAG} \${NODE_OPTIONS}" node ${CMDLINE_FLAG}`,
    );
  });
});
