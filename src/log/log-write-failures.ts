/**
 * What happens when the process log cannot be written: the disk holding the file it is
 * redirected to is full, the pipe to a log collector was closed, the file system failed.
 * Node reports such a failure as an 'error' event on process.stdout (or stderr), and an
 * unhandled one ends the process: a proxy that serves every build would stop because its log
 * could not be written. With this handler the lines are lost, serving goes on, and standard
 * error (when the log is not on it) says so: at once, then at most once a minute with the
 * number of failed writes since. Writes are tried again each time, so the log comes back as
 * soon as the destination accepts writes again.
 */

/** At most one report per this long. */
export const LOG_FAILURE_REPORT_MS = 60_000;

interface Watched {
  failed: number;
  lastReportAt: number;
}

const watched = new WeakMap<object, Watched>();

/**
 * Makes write failures of `stream` (process.stdout or process.stderr: the process log's
 * destination) lose lines instead of ending the process. Idempotent.
 */
export function surviveLogWriteFailures(stream: NodeJS.WritableStream): void {
  if (watched.has(stream)) return;
  const state: Watched = { failed: 0, lastReportAt: -Infinity };
  watched.set(stream, state);
  const name = stream === process.stderr ? 'standard error' : 'standard output';
  stream.on('error', (err: NodeJS.ErrnoException) => {
    state.failed++;
    const now = Date.now();
    if (now - state.lastReportAt < LOG_FAILURE_REPORT_MS) return;
    state.lastReportAt = now;
    const count = state.failed;
    state.failed = 0;
    if (stream === process.stderr) return; // nowhere else to say it
    surviveLogWriteFailures(process.stderr); // its own failure must not end the process either
    try {
      process.stderr.write(
        `modgate: the log could not be written to ${name} (${err.message}); ` +
          `${count} write${count === 1 ? '' : 's'} failed, their lines are lost; modgate goes on serving\n`,
      );
    } catch {
      // standard error is gone too
    }
  });
}
