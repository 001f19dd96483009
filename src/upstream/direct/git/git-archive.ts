import type { Readable } from 'node:stream';
import { ModgateError, notFound } from '../../../errors/index.js';
import type { RevInfoVcs } from '../code-host.js';
import { archiveStream } from './archive-stream.js';
import type { BareRepo } from './bare-repo.js';
import { GitCommandError } from './git-process.js';
import type { GitRunner } from './git-runner.js';

export interface GitArchiveOptions {
  /** The code host, for messages. */
  description: string;
  /** Called once git has exited (the repository is no longer in use by the archive). */
  done: () => void;
  /** Maps git's failure of the archive to the code host's error. */
  fail: (err: unknown) => ModgateError;
  signal?: AbortSignal;
}

/**
 * `git archive --format=zip` of the local commit `info` (under `subdir`), as a stream of at
 * most `maxBytes` (archive-stream.ts): holds the repository's read lock until output flows,
 * not while a slow consumer reads. An unknown subdirectory is `not-found`.
 */
export async function gitArchive(
  runner: GitRunner,
  repo: BareRepo,
  info: RevInfoVcs,
  subdir: string,
  maxBytes: number,
  options: GitArchiveOptions,
): Promise<Readable> {
  const { description, signal } = options;
  const release = await repo.lock.read(signal);
  try {
    // Incredibly (cmd/go's words), git's archives depend on the platform's line-ending
    // settings: autocrlf=input and eol=lf make blobs come out exactly as committed.
    const args = ['-c', 'core.autocrlf=input', '-c', 'core.eol=lf', 'archive', '--format=zip'];
    args.push(info.name, ...(subdir !== '' ? ['--', subdir] : []));
    const proc = await runner.start(args, {
      class: 'archive',
      gitDir: repo.dir,
      // A subdirectory is a path, never pathspec magic.
      env: { GIT_LITERAL_PATHSPECS: '1' },
      ...(signal !== undefined ? { signal } : {}),
    });
    void proc.exited.then(() => {
      release();
      options.done();
    });
    const stream = await archiveStream(proc, maxBytes, (exit) => {
      if (exit.failure === 'too-large') {
        return new ModgateError(
          'too-large',
          `${description}: archive of ${info.short} is larger than ${maxBytes} bytes`,
        );
      }
      if (exit.failure === 'exit' && exit.stderr.includes('did not match any files')) {
        return notFound(`${description}: no directory ${subdir} at ${info.short}`);
      }
      return options.fail(
        new GitCommandError(exit.failure ?? 'exit', args, exit.exitCode, exit.stderr),
      );
    });
    // git has resolved the commit and its tree once output flows; the rest only reads
    // immutable objects, so a slow consumer must not hold up fetches (and the readers
    // queued behind them).
    release();
    return stream;
  } catch (err) {
    release();
    throw err;
  }
}
