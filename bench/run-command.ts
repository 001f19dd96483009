import { spawn } from 'node:child_process';

/** The output of a finished command. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
}

/**
 * Runs `argv` to completion and returns its output; rejects with the exit status and the end
 * of stderr when it fails.
 */
export function runCommand(
  argv: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandOutput> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return Promise.reject(new Error('runCommand: empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(
          new Error(
            `${argv.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.slice(-2000).trim()}`,
          ),
        );
    });
  });
}

/** `argv` run under `taskset -c <core>`, or as is when `core` is undefined. */
export function pinned(core: number | undefined, argv: readonly string[]): string[] {
  return core === undefined ? [...argv] : ['taskset', '-c', String(core), ...argv];
}
