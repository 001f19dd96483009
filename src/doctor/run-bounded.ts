import { spawn } from 'node:child_process';

/** How a bounded subprocess ended. Output is capped so a chatty command cannot fill memory. */
export interface BoundedResult {
  /** Exit code; undefined when killed (timeout, abort) or not started. */
  code: number | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be started (ENOENT: not installed). */
  startError?: NodeJS.ErrnoException;
}

export interface BoundedOptions {
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Written to stdin, then closed; stdin is closed at once when absent (no prompt can wait). */
  input?: string;
  /** Per stream; default 1 MiB. */
  maxOutputBytes?: number;
}

/**
 * Runs a command with no shell, stdin closed, and a hard time bound (the process group gets
 * SIGKILL at the deadline, so a git that spawned ssh dies with it). Never throws: doctor reports
 * what happened.
 */
export function runBounded(
  command: string,
  args: readonly string[],
  options: BoundedOptions,
): Promise<BoundedResult> {
  const limit = options.maxOutputBytes ?? 1024 * 1024;
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let settled = false;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env === undefined ? process.env : cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const kill = (): void => {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    const onAbort = (): void => kill();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (result: BoundedResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (outBytes < limit) out.push(chunk.subarray(0, limit - outBytes));
      outBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errBytes < limit) err.push(chunk.subarray(0, limit - errBytes));
      errBytes += chunk.length;
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish({ code: undefined, stdout: '', stderr: '', timedOut, startError: error });
    });
    child.on('close', (code) => {
      finish({
        code: code ?? undefined,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

function cleanEnv(env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}
