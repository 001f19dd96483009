import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../test/support/net.js';
import { join } from 'node:path';
import { repoRoot } from '../paths.js';

export interface DirectModgate {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Children still running, killed if the benchmark exits early. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * `modgate serve` as its own process, the way it is deployed, fetching `example.com/*` from
 * the benchmark's git daemon: the paths are private (no public upstream, no checksum
 * database), `direct.rewrites` maps `example.com/<x>.git` to `git://127.0.0.1:<port>/<x>.git`.
 * `env` is the git environment (a HOME without git configuration). Access log off: the
 * benchmark is about fetching, and the go command writes no log either.
 */
export async function startDirectModgate(opts: {
  dataDir: string;
  daemonPort: number;
  env: NodeJS.ProcessEnv;
  nodeFlags?: string[];
  /** A built modgate checkout to run (an A/B against another commit); default this one. */
  root?: string;
}): Promise<DirectModgate> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...opts.env,
    MODGATE_PRIVATE: 'example.com',
    MODGATE_DIRECT_REWRITES: `example.com/*=git://127.0.0.1:${opts.daemonPort}/*`,
    MODGATE_DIRECT_INSECURE: 'example.com',
    MODGATE_LOG_ACCESS_LOG: 'false',
    MODGATE_LOG_LEVEL: 'warn',
    MODGATE_LOG_FORMAT: 'json',
  };
  const args = [
    ...(opts.nodeFlags ?? []),
    join(opts.root ?? repoRoot, 'bin', 'modgate.js'),
    'serve',
    '--listen',
    `127.0.0.1:${port}`,
    '--data-dir',
    opts.dataDir,
    '--upstream',
    'off',
  ];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-4000);
  });
  child.once('exit', () => running.delete(child));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`modgate exited before serving: ${stderr}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`modgate did not answer in 30 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    pid: child.pid ?? 0,
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
