import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.js';

/** Children still running when the test process exits are killed (a failed test's leftovers). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface RedisServerOptions {
  /** `requirepass`: clients must authenticate (the URL then carries `:password@`). */
  password?: string;
}

/**
 * A real Redis (Debian's `redis-server`) for a test, on 127.0.0.1 and a free port, with no
 * persistence (`--save '' --appendonly no`) and its working directory in a temp dir removed by
 * `close`. `stop` / `kill` and `start` take it down and bring it back on the same port (empty:
 * nothing is persisted), for tests of what modgate does when Redis goes away and comes back.
 *
 *   const redis = await RedisServer.start();
 *   try { … redis.url … } finally { await redis.close(); }
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly options: RedisServerOptions,
  ) {}

  /** Starts a server (retrying on another port if the one picked was taken meanwhile). */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'modgate-redis-'));
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const server = new RedisServer(await freePort(), dir, options);
      try {
        await server.startProcess();
        return server;
      } catch (err) {
        lastError = err;
      }
    }
    await rm(dir, { recursive: true, force: true });
    throw lastError;
  }

  /** `redis://[:password@]127.0.0.1:port` */
  get url(): string {
    const auth =
      this.options.password === undefined ? '' : `:${encodeURIComponent(this.options.password)}@`;
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  /** Whether the server process is running. */
  get isRunning(): boolean {
    return this.child !== undefined;
  }

  /** Starts the server again on the same port after `stop` or `kill` (empty: no persistence). */
  async restart(): Promise<void> {
    if (this.child !== undefined) return;
    // The port was ours a moment ago; another process grabbing it in between is possible but
    // rare, and shows as a clear failure to start.
    await this.startProcess();
  }

  /** Stops the server (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** Kills the server (SIGKILL) and waits for it to exit: connections drop without a goodbye. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Stops the server and removes its directory. */
  async close(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill(sig);
    await this.exited;
  }

  private startProcess(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.dir,
      '--daemonize',
      'no',
      '--loglevel',
      'notice',
      ...(this.options.password === undefined ? [] : ['--requirepass', this.options.password]),
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let output = '';
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        running.delete(child);
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    return new Promise<void>((resolve, reject) => {
      // Generous: the machine running the tests may be very busy.
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`redis-server did not start within 30s:\n${output}`));
      }, 30_000);
      const onData = (d: Buffer): void => {
        output += d.toString('utf8');
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          this.child = child;
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          child.stderr?.resume();
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${output}`),
        );
      });
    });
  }
}
