import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { fetchOutcome } from './fetch-outcome.js';

// Compiled to dist/test/support/, so the repository root is three levels up.
const BIN = fileURLToPath(new URL('../../../bin/modgate.js', import.meta.url));

/** Nested settings, as in the YAML file (`{ upstream_http: { zip_timeout: '3s' } }`). */
export type Settings = { [key: string]: unknown };

export interface ModgateProcessOptions {
  upstream: string;
  /** Serve this directory (kept on stop, for a restart on it); default a fresh one, removed. */
  dataDir?: string;
  /** Settings merged over the test defaults (no sumdb verification, no negative cache, json logs). */
  settings?: Settings;
  /** Node options before the script (e.g. `--import` of a hook), as in `node FLAGS bin/modgate.js`. */
  nodeArgs?: string[];
}

/** Children still running when the test process exits are killed (a failed test's leftovers). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const DEFAULTS: Settings = {
  sumdb: { verify: false },
  cache: { not_found_ttl: '0s' },
  log: { level: 'info', format: 'json' },
  server: { shutdown_grace: '2s' },
  // No circuit breaker: the fault suites play many independent faults against one server, and
  // consecutive faults of different cases would open it (their 504s and fall-throughs would
  // become "breaker open" 502s depending on the order). serve-resilience sets its own.
  resilience: { breaker_failures: 0 },
};

/**
 * `modgate serve` as operators run it, in a child process (`node bin/modgate.js serve`), so that
 * a crash shows as the process exiting instead of taking the test runner down. Listens on a
 * port the system picks on 127.0.0.1; settings go through a YAML `--config` file; everything
 * it writes to stdout and stderr is kept for `output()`.
 */
export class ModgateProcess {
  url = '';
  private text = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly dataDir: string,
    private readonly ownDataDir: boolean,
    private readonly configDir: string,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.text += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.text += d));
    running.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.exit = { code, signal };
        resolve();
      }),
    );
  }

  static async start(opts: ModgateProcessOptions): Promise<ModgateProcess> {
    const configDir = await mkdtemp(join(tmpdir(), 'modgate-proc-'));
    const dataDir = opts.dataDir ?? join(configDir, 'data');
    const configFile = join(configDir, 'modgate.yaml');
    await writeFile(configFile, stringify(merge(DEFAULTS, opts.settings ?? {})));
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.startsWith('MODGATE_') && !/^(https?|no|all)_proxy$/i.test(k)) env[k] = v;
    }
    const args = ['serve', '--config', configFile, '--listen', '127.0.0.1:0'];
    args.push('--data-dir', dataDir, '--upstream', opts.upstream);
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new ModgateProcess(child, dataDir, opts.dataDir === undefined, configDir);
    const deadline = Date.now() + 30_000;
    while (proc.url === '') {
      if (!proc.alive() || Date.now() > deadline) {
        child.kill('SIGKILL');
        await proc.exited;
        await rm(configDir, { recursive: true, force: true });
        throw new Error(`modgate did not start:\n${proc.text}`);
      }
      const m = /"url":"(https?:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"modgate listening"/.exec(
        proc.text,
      );
      if (m?.[1]) proc.url = m[1];
      else await new Promise((r) => setTimeout(r, 25));
    }
    return proc;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Everything modgate wrote so far (stdout and stderr). */
  output(): string {
    return this.text;
  }

  alive(): boolean {
    return this.exit === undefined;
  }

  /** How it ended, for messages. */
  describeExit(): string {
    if (this.exit === undefined) return 'still running';
    return `exited (code ${this.exit.code}, signal ${this.exit.signal})`;
  }

  /** Fails unless the process is still running and answers /healthz with 200. */
  async assertAlive(context = ''): Promise<void> {
    const tail = (): string => this.text.slice(-3000);
    assert.ok(this.alive(), `modgate ${this.describeExit()} ${context}; last output:\n${tail()}`);
    const res = await fetchOutcome(this.url, '/healthz', { timeoutMs: 10_000 });
    assert.equal(res.status, 200, `/healthz ${context}: ${res.error ?? ''}\n${tail()}`);
  }

  /** SIGKILL: no shutdown code runs (the crash that kill-9 tests simulate). */
  async kill9(): Promise<void> {
    if (this.alive()) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (then SIGKILL after 10 s); removes the config and a data directory it made. */
  async stop(): Promise<void> {
    if (this.alive()) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.ownDataDir) await rm(this.dataDir, { recursive: true, force: true });
    await rm(this.configDir, { recursive: true, force: true });
  }
}

function merge(a: Settings, b: Settings): Settings {
  const out: Settings = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? merge(prev, v) : v;
  }
  return out;
}

function isObject(v: unknown): v is Settings {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
