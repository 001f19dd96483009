import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../test/support/net.js';

import { delimiter, dirname, join } from 'node:path';
import { nginxConf } from './nginx-conf.js';
import { repoRoot } from './paths.js';
import { childPids } from './proc-stats.js';
import { pinned } from './run-command.js';

/** A server under test, running as its own process(es). */
export interface BenchServer {
  name: string;
  url: string;
  /** The processes whose CPU time and memory are the server's (nginx: master and worker). */
  pids: number[];
  stop(): Promise<void>;
}

/** Every child still running, killed if the benchmark exits early. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ModgateOptions {
  /** The name the results use (default "modgate"). */
  name?: string;
  dataDir: string;
  upstream: string;
  core?: number;
  /** Where the access log (stdout) goes; null turns it off. */
  accessLog: string | null;
  /** Non-default settings (`MODGATE_*` variables); a run that uses them must say so. */
  env?: Record<string, string>;
  /** Another build's bin/modgate.js (A/B comparisons); default this repository's. */
  bin?: string;
  /**
   * Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, after the bin script's default
   * ones (from its #! line), so that they win.
   */
  nodeFlags?: string[];
}

/**
 * The settings every benchmarked modgate has besides its listen address, data directory and
 * upstream: checksum verification off, because the generated modules are in no checksum
 * database and none is reachable here (cached hits are never re-verified anyway). Everything
 * else is modgate's default (list TTL 1 m, access log on, log format auto: JSON to a file).
 */
export const MODGATE_BASE_ENV = { MODGATE_SUMDB_VERIFY: 'false' } as const;

/**
 * `modgate serve` as a separate process, the way users run it (the bin script, executed): its
 * default node flags and its default configuration except MODGATE_BASE_ENV, `opts.env`, and the
 * access log turned off when `accessLog` is null.
 */
export async function startModgate(opts: ModgateOptions): Promise<BenchServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MODGATE_')) env[k] = v;
  Object.assign(env, MODGATE_BASE_ENV, opts.env ?? {});
  if (opts.accessLog === null) env.MODGATE_LOG_ACCESS_LOG = 'false';
  // Started the way `modgate serve` (the installed command) and `npm start` start it: the bin
  // script itself, through its `#!/usr/bin/env -S …` line (which carries modgate's default node
  // flags), with the node that runs the bench first on PATH. With extra node flags (an A/B, a
  // profile: some, such as --cpu-prof, are refused in NODE_OPTIONS) it is node with the #!
  // line's flags, then the extra ones (later flags win), then the script: the same process.
  env.PATH = `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}`;
  const bin = opts.bin ?? join(repoRoot, 'bin', 'modgate.js');
  const extra = opts.nodeFlags ?? [];
  const argv = [
    ...(extra.length === 0
      ? [bin]
      : [process.execPath, ...(await shebangNodeFlags(bin)), ...extra, bin]),
    'serve',
    '--listen',
    `127.0.0.1:${port}`,
    '--data-dir',
    opts.dataDir,
    '--upstream',
    opts.upstream,
  ];
  const out = opts.accessLog === null ? 'ignore' : await open(opts.accessLog, 'a');
  const child = launch(pinned(opts.core, argv), out === 'ignore' ? 'ignore' : out.fd, env);
  if (out !== 'ignore') await out.close();
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(child, `${url}/healthz`);
  return server(opts.name ?? 'modgate', url, child, () => [child.pid ?? 0]);
}

/**
 * The node flags on a bin script's `#!/usr/bin/env -S [NODE_OPTIONS="… ${NODE_OPTIONS}"] node …`
 * line (those in its NODE_OPTIONS first, as node reads them); none for any other first line.
 */
export async function shebangNodeFlags(bin: string): Promise<string[]> {
  const first = (await readFile(bin, 'utf8')).split('\n', 1)[0] ?? '';
  const m = /^#!\S*env -S (?:NODE_OPTIONS="([^"]*)" )?node( .*)?$/.exec(first);
  if (!m) return [];
  const fromOptions = (m[1] ?? '').split(' ').filter((f) => f !== '' && f !== '${NODE_OPTIONS}');
  return [...fromOptions, ...(m[2] ?? '').split(' ').filter(Boolean)];
}

/** nginx with a generated configuration (see nginx-conf.ts) serving `dataDir`. */
export async function startNginx(opts: {
  name?: string;
  workDir: string;
  dataDir: string;
  core?: number;
  accessLog: string | null;
}): Promise<BenchServer> {
  const port = await freePort();
  const name = opts.name ?? 'nginx';
  const dir = join(opts.workDir, name.replace(/[^A-Za-z0-9]/g, '_'));
  await mkdir(join(dir, 'nginx-tmp'), { recursive: true });
  const confFile = join(dir, 'nginx.conf');
  await writeFile(confFile, nginxConf({ ...opts, workDir: dir, port }));
  const argv = ['/usr/sbin/nginx', '-p', dir, '-c', confFile, '-e', join(dir, 'nginx-error.log')];
  const child = launch(pinned(opts.core, argv), 'ignore');
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(child, `${url}/`);
  const master = child.pid ?? 0;
  for (let i = 0; i < 50 && childPids(master).length === 0; i++) await sleep(100);
  return server(name, url, child, () => [master, ...childPids(master)]);
}

/** The bare node:http reference server (bare-server.ts) over the files of `dataDir`. */
export async function startBareNode(opts: {
  dataDir: string;
  core?: number;
}): Promise<BenchServer> {
  const port = await freePort();
  const script = join(repoRoot, 'dist', 'bench', 'bare-server.js');
  const argv = [process.execPath, script, opts.dataDir, String(port)];
  const child = launch(pinned(opts.core, argv), 'ignore');
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(child, `${url}/`);
  return server('node:http', url, child, () => [child.pid ?? 0]);
}

/**
 * The pass-through proxy (passthrough-proxy.ts) in front of `upstream`, as its own process:
 * go-download's floor. With `sumdb` (a checksum database's URL), `.mod` answers also wait for
 * that version's lookup.
 */
export async function startPassthrough(opts: {
  name?: string;
  upstream: string;
  sumdb?: string;
  core?: number;
}): Promise<BenchServer> {
  const port = await freePort();
  const script = join(repoRoot, 'dist', 'bench', 'passthrough-proxy.js');
  const argv = [process.execPath, script, opts.upstream, String(port)];
  if (opts.sumdb !== undefined) argv.push(opts.sumdb);
  const child = launch(pinned(opts.core, argv), 'ignore');
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(child, `${url}/`);
  return server(opts.name ?? 'passthrough', url, child, () => [child.pid ?? 0]);
}

function launch(
  argv: string[],
  stdout: 'ignore' | number,
  env: NodeJS.ProcessEnv = process.env,
): ChildProcess {
  const [cmd, ...args] = argv;
  const child = spawn(cmd ?? '', args, { stdio: ['ignore', stdout, 'pipe'], env });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-4000);
  });
  child.once('exit', (code, signal) => {
    running.delete(child);
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') {
      process.stderr.write(`[bench] ${argv.join(' ')} exited (${signal ?? code}): ${stderr}\n`);
    }
  });
  running.add(child);
  return child;
}

async function waitUntilServing(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited before serving ${url}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`no answer from ${url} after 30 s`);
      await sleep(100);
    }
  }
}

function server(name: string, url: string, child: ChildProcess, pids: () => number[]): BenchServer {
  return {
    name,
    url,
    pids: pids(),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
