import { Readable } from 'node:stream';
import { util as undiciUtil, type Dispatcher } from 'undici';
import { ModgateError } from '../errors/index.js';
import { formatMs } from './exchange-deadline.js';
import { describeCode, transportError } from './transport-error.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/**
 * Sends one GET through an undici dispatcher with our own response handler, and returns when
 * the headers are in. The body is a Readable that ends when the response is complete and is
 * destroyed with a ModgateError (kind `upstream` or `timeout`, message naming `label`) when
 * the response is cut short, the connection fails, `signal` aborts, the body goes silent for
 * `bodySilenceMs` (0: no bound) or passes `maxBytes` (`too-large`). Destroying the body aborts
 * the request and releases the connection.
 *
 * Why not `dispatcher.request()`: undici 6's HTTP/1 parser pauses whenever the body stream's
 * buffer is full (push() returns false), and if the upstream then closes the connection — a
 * body without Content-Length, or one sent with `Connection: close` — the socket's end/close
 * handler calls `Parser.finish()`, which asserts the parser is not paused: an uncatchable
 * AssertionError that kills the process (nodejs/undici#5360, fixed only in undici 8, which
 * needs Node 22). That is a legal answer from any upstream, so the parser must never be
 * paused: `onData` always returns true.
 *
 * What that costs: no backpressure from the body to the socket, so bytes the consumer has not
 * read yet wait in the body stream's buffer. Every consumer of upstream bodies in modgate reads
 * at once and fast: small answers go into memory under a size cap (which destroys the body once
 * passed), zips are written straight to a local spool file (clients are served from the spool,
 * never from the upstream socket). Writing to a local disk outruns the network, so the buffer
 * stays near one socket read. Its worst case is bounded by `maxBytes` (the caller's size cap
 * for that body: 500 MiB for a zip by default, a few MiB for metadata), past which the body
 * fails with `too-large` however little of it was read. A caller that would read slowly from
 * a fast upstream must not use this client.
 */
export function dispatchGet(
  dispatcher: Dispatcher,
  request: { origin: string; path: string; headers: Record<string, string> },
  opts: { label: string; signal: AbortSignal; bodySilenceMs: number; maxBytes?: number },
): Promise<RawResponse> {
  const { label, signal } = opts;
  return new Promise<RawResponse>((resolve, reject) => {
    let abortRequest: ((err: Error) => void) | undefined;
    let body: Readable | undefined;
    let received = 0;
    let expected: number | undefined;
    let done = false;

    const finish = (): void => {
      done = true;
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (err: Error): void => {
      if (done) return;
      finish();
      if (body === undefined) reject(err);
      else body.destroy(err);
    };
    function onAbort(): void {
      const reason = abortReason(signal, label);
      // undici answers abort() with onError(reason), which settles everything.
      if (abortRequest !== undefined) abortRequest(reason);
      else fail(reason);
    }

    const handler: Dispatcher.DispatchHandlers = {
      onConnect(abort) {
        if (done) {
          abort(new ModgateError('upstream', `${label}: request abandoned`));
          return;
        }
        abortRequest = abort;
      },
      onHeaders(statusCode, rawHeaders) {
        if (statusCode < 200 || done) return true; // 1xx: the real answer follows
        const headers = undiciUtil.parseHeaders(rawHeaders) as RawResponse['headers'];
        const length = Number(headers['content-length']);
        expected = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
        const stream = new Readable({
          // Flow control happens in the consumer (see above); nothing to ask the socket for.
          read: () => undefined,
          destroy: (err, cb) => {
            if (!done) {
              // The consumer is done with an unfinished body: stop the transfer (undici then
              // closes that connection rather than reuse it mid-response).
              finish();
              abortRequest?.(err ?? new ModgateError('upstream', `${label}: body abandoned`));
            }
            cb(err);
          },
        });
        // Consumers see errors through their own listeners (iteration, pipeline); this one
        // keeps an error emitted before the caller got the body (a size cap passed within the
        // first socket read, destroy() emits on the next tick, before the caller's await
        // resumes) or after it let go of the body from being fatal to the process.
        stream.on('error', () => undefined);
        body = stream;
        resolve({ status: statusCode, headers, body: stream });
        return true;
      },
      onData(chunk) {
        received += chunk.length;
        if (done) return true;
        if (opts.maxBytes !== undefined && received > opts.maxBytes) {
          // The bound on what can wait unread in memory (see above).
          const err = new ModgateError(
            'too-large',
            `${label}: response larger than ${opts.maxBytes} bytes`,
          );
          fail(err);
          queueMicrotask(() => abortRequest?.(err));
          return true;
        }
        body?.push(chunk);
        return true; // never pause the parser: see the function comment
      },
      onComplete() {
        if (done) return;
        finish();
        body?.push(null);
      },
      onError(err) {
        if (body === undefined) {
          fail(err instanceof ModgateError ? err : transportError(err, label));
        } else {
          fail(bodyError(err, label, received, expected, opts.bodySilenceMs));
        }
      },
    };

    if (signal.aborted) {
      fail(abortReason(signal, label));
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      dispatcher.dispatch(
        {
          ...request,
          method: 'GET',
          // The whole exchange is bounded by `signal`'s deadline; silence is bounded only
          // once the body has started (an upstream may think for a long time before it
          // answers a zip, but a body that stops moving is dead).
          headersTimeout: 0,
          bodyTimeout: opts.bodySilenceMs,
        },
        handler,
      );
    } catch (err) {
      fail(transportError(err, label));
    }
  });
}

function abortReason(signal: AbortSignal, label: string): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof ModgateError) return reason;
  return new ModgateError('timeout', `${label}: request aborted`, { cause: reason });
}

/**
 * A failure after the headers, as the consumer of the body sees it: `timeout` for the
 * deadline or silence, `upstream` for a cut-short body (reset, premature close, fewer bytes
 * than Content-Length), always naming the request and how far the body got.
 */
export function bodyError(
  err: unknown,
  label: string,
  received: number,
  expected: number | undefined,
  bodySilenceMs?: number,
): ModgateError {
  if (err instanceof ModgateError) {
    if (err.kind !== 'timeout') return err;
    // The deadline or the caller's cancellation, which knew nothing of the body: say how far
    // it got (this runs once per body).
    return new ModgateError('timeout', `${err.message}; ${progress(received, expected)}`, {
      cause: err.cause,
    });
  }
  const code = (err as { code?: unknown }).code;
  const of = progress(received, expected);
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return new ModgateError(
      'timeout',
      `${label}: timed out: the body stopped arriving` +
        (bodySilenceMs === undefined ? '' : ` for ${formatMs(bodySilenceMs)}`) +
        `; ${of}`,
      { cause: err },
    );
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return new ModgateError('upstream', `${label}: response body cut short; ${of}`, {
      cause: err,
    });
  }
  const what =
    typeof code === 'string'
      ? describeCode(code, err instanceof Error ? err.message : undefined)
      : err instanceof Error
        ? err.message
        : String(err);
  return new ModgateError('upstream', `${label}: reading the body failed: ${what}; ${of}`, {
    cause: err,
  });
}

function progress(received: number, expected: number | undefined): string {
  return expected === undefined
    ? `${received} bytes of the body had arrived`
    : `${received} of ${expected} bytes of the body had arrived`;
}
