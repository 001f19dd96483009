import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/net.js';
import { pinned } from '../run-command.js';
import type { BenchServer } from '../servers.js';

/** Every server this module started, killed if the experiment exits early. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * A floor server of the experiment: `node <script> <dataDir> <port> [...extra]` as its own
 * process, pinned to `core`, once it answers `GET /` (any status). The same contract as
 * bench/servers.ts's startBareNode, for scripts that file does not know.
 */
export async function startScript(opts: {
  name: string;
  script: string;
  dataDir: string;
  core?: number;
  extraArgs?: string[];
}): Promise<BenchServer> {
  const port = await freePort();
  const argv = pinned(opts.core, [
    process.execPath,
    opts.script,
    opts.dataDir,
    String(port),
    ...(opts.extraArgs ?? []),
  ]);
  const [cmd, ...args] = argv;
  const child = spawn(cmd ?? '', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-4000);
  });
  running.add(child);
  child.once('exit', (code, signal) => {
    running.delete(child);
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') {
      process.stderr.write(`[experiment] ${opts.name} exited (${signal ?? code}): ${stderr}\n`);
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${opts.name} exited before serving: ${stderr}`);
    }
    try {
      const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${opts.name}: no answer from ${url} after 30 s`);
      await sleep(100);
    }
  }
  return {
    name: opts.name,
    url,
    pids: [child.pid ?? 0],
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
