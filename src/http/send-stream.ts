import type { ServerResponse } from 'node:http';
import { finished, type Readable } from 'node:stream';

/**
 * Streams `source` into a response whose headers are set; resolves when the response is
 * finished. What `stream/promises` pipeline() would do, without the AbortController and
 * DOMException it creates per call:
 * - the client going away first (res closed unfinished) destroys the source (its file handle
 *   is released) and rejects with ERR_STREAM_PREMATURE_CLOSE;
 * - a source failure cuts the connection (the client sees a truncated body, never a bad one)
 *   and rejects with the source's error.
 */
export function sendStream(source: Readable, res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failure: unknown;
    source.once('error', (err) => {
      failure ??= err;
      res.destroy(err);
    });
    finished(res, (err) => {
      if (failure === undefined && err === undefined) {
        resolve();
        return;
      }
      failure ??= err;
      source.destroy();
      reject(failure as Error);
    });
    source.pipe(res);
  });
}
