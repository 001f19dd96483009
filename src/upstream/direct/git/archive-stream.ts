import { PassThrough, type Readable } from 'node:stream';
import type { ModgateError } from '../../../errors/index.js';
import type { GitExit, GitProcess } from './git-process.js';

/**
 * Exposes a running `git archive` as a stream of at most `maxBytes`:
 * - resolves once the first bytes arrive (or rejects if git fails before writing anything,
 *   e.g. an unknown subdirectory), so most failures are plain errors, not stream errors;
 * - ends the stream only after git exited successfully — a failure after output began
 *   destroys the stream with the mapped error, so a truncated zip never looks complete;
 * - kills git (`too-large`) past `maxBytes`, and (`aborted`) when the consumer destroys the
 *   stream early; backpressure pauses git's output.
 */
export function archiveStream(
  proc: GitProcess,
  maxBytes: number,
  failure: (exit: GitExit) => ModgateError,
): Promise<Readable> {
  const out = new PassThrough();
  let size = 0;
  let exited = false;
  let handedOut = false;
  return new Promise<Readable>((resolve, reject) => {
    proc.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        proc.kill('too-large');
        return;
      }
      if (!out.write(chunk)) {
        proc.stdout.pause();
        out.once('drain', () => proc.stdout.resume());
      }
      if (!handedOut) {
        handedOut = true;
        resolve(out);
      }
    });
    out.on('close', () => {
      if (!exited) proc.kill('aborted');
    });
    void proc.exited.then((exit) => {
      exited = true;
      if (exit.failure === undefined) {
        out.end();
        if (!handedOut) {
          handedOut = true;
          resolve(out);
        }
        return;
      }
      const err = failure(exit);
      if (handedOut) {
        out.destroy(err);
      } else {
        handedOut = true;
        out.destroy();
        reject(err);
      }
    });
  });
}
