import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** Why a git command did not succeed. `exit` is a non-zero exit status; the rest are ours. */
export type GitFailure = 'exit' | 'timeout' | 'aborted' | 'too-large' | 'spawn';

/**
 * A failed git command. `stderr` has already been scrubbed of credentials by whoever started
 * the process; `args` never hold secrets (credentials travel in the environment only).
 * Adapters turn this into a ModgateError with `mapGitError`.
 */
export class GitCommandError extends Error {
  /**
   * Set by GitRunner when ssh ran with a key the server holds: the known_hosts file it checked
   * host keys against (for the error message; a path, never key material).
   */
  knownHosts?: string;

  constructor(
    readonly failure: GitFailure,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(
      `git ${args.join(' ')}: ${failure === 'exit' ? `exit status ${exitCode}` : failure}`,
      options,
    );
    this.name = 'GitCommandError';
  }
}

export interface GitProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The process group is killed when this elapses. */
  timeoutMs: number;
  /** Aborting kills the process group. */
  signal?: AbortSignal;
  /** Applied to stderr before it is kept (credential scrubbing). */
  scrub?: (text: string) => string;
  /** Give the process a stdin pipe (`GitProcess.stdin`); else stdin is /dev/null. */
  stdin?: boolean;
}

export interface GitExit {
  /** Undefined on success. */
  failure?: GitFailure;
  exitCode: number | null;
  stderr: string;
  /** Epoch ms when the process was started; `startedAt + durationMs` is when it ended. */
  startedAt: number;
  durationMs: number;
  cause?: unknown;
}

/** How long pipes may stay open after git exited before its process group is killed. */
const LINGER_MS = 2000;

/** The last 64 KiB of stderr are enough for any message git prints. */
const MAX_STDERR = 64 << 10;

/**
 * One running git process, in its own process group (`detached`), so that a timeout or an
 * abort kills git *and* its helpers (git-remote-https, ssh, credential helpers) — killing
 * only git would leave a helper holding the network connection and our pipes.
 *
 * `exited` always resolves (never rejects) once the process is gone and its pipes are closed.
 */
export class GitProcess {
  readonly stdout: Readable;
  /** Set when started with `stdin: true`. */
  readonly stdin: Writable | undefined;
  readonly exited: Promise<GitExit>;
  private readonly child: ChildProcess;
  private failure: GitFailure | undefined;
  private done = false;

  constructor(
    readonly args: readonly string[],
    options: GitProcessOptions,
  ) {
    const started = Date.now();
    this.child = spawn('git', args as string[], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: [options.stdin === true ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const child = this.child;
    this.stdout = child.stdout as Readable;
    this.stdin = child.stdin ?? undefined;
    // A process killed while we write: the EPIPE is the exit's business, not an exception.
    this.stdin?.on('error', () => undefined);
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      stderr = (stderr + d).slice(-MAX_STDERR);
    });

    const timer = setTimeout(() => this.kill('timeout'), options.timeoutMs);
    const onAbort = (): void => this.kill('aborted');
    if (options.signal?.aborted === true) queueMicrotask(onAbort);
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    // If git has exited but something left in its group (a lingering ssh master, a helper
    // stuck on the network) keeps our pipes open, take the group down. Only then: while a
    // member holds the pipes the group id cannot have been reused by anyone else.
    let linger: NodeJS.Timeout | undefined;
    child.once('exit', () => {
      linger = setTimeout(() => killGroup(child.pid), LINGER_MS);
      linger.unref();
    });

    this.exited = new Promise<GitExit>((resolve) => {
      let cause: unknown;
      const finish = (exitCode: number | null): void => {
        if (this.done) return;
        this.done = true;
        clearTimeout(timer);
        clearTimeout(linger);
        options.signal?.removeEventListener('abort', onAbort);
        const text = options.scrub ? options.scrub(stderr) : stderr;
        const failure = this.failure ?? (exitCode === 0 ? undefined : 'exit');
        resolve({
          failure,
          exitCode,
          stderr: text,
          startedAt: started,
          durationMs: Date.now() - started,
          cause,
        });
      };
      child.once('error', (err) => {
        // spawn failures (ENOENT: no git) come here without an exit.
        if (child.pid === undefined) {
          this.failure ??= 'spawn';
          cause = err;
          finish(null);
        }
      });
      child.once('close', (code) => finish(code));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Kills the whole process group, recording why (the first reason wins). */
  kill(reason: Exclude<GitFailure, 'exit' | 'spawn'>): void {
    if (this.done) return;
    this.failure ??= reason;
    killGroup(this.child.pid);
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

export interface RunGitOptions extends GitProcessOptions {
  /** More stdout than this kills git with failure `too-large`. */
  maxStdout?: number;
}

export interface GitOutput {
  stdout: Buffer;
  stderr: string;
  durationMs: number;
}

/** Runs git to completion, collecting stdout; throws GitCommandError on any failure. */
export async function runGit(
  args: readonly string[],
  options: RunGitOptions,
  onStart?: (p: GitProcess) => void,
): Promise<GitOutput> {
  const proc = new GitProcess(args, options);
  onStart?.(proc);
  const max = options.maxStdout ?? Number.POSITIVE_INFINITY;
  const chunks: Buffer[] = [];
  let size = 0;
  proc.stdout.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > max) {
      proc.kill('too-large');
      return;
    }
    chunks.push(chunk);
  });
  const exit = await proc.exited;
  if (exit.failure !== undefined) {
    throw new GitCommandError(exit.failure, args, exit.exitCode, exit.stderr, {
      cause: exit.cause,
    });
  }
  return { stdout: Buffer.concat(chunks, size), stderr: exit.stderr, durationMs: exit.durationMs };
}
