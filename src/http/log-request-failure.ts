import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { errorKind } from '../errors/index.js';
import { statusForError } from './status-for-error.js';

/**
 * Logs a request that failed, at the level its cause deserves: a client gone mid-response is
 * debug (not a server fault), an internal error is error (with its stack), an upstream or
 * server failure (5xx) warn, a refusal (4xx) debug. Messages only: never request headers.
 */
export function logRequestFailure(
  logger: Logger,
  err: unknown,
  id: string,
  req: IncomingMessage,
): void {
  const status = statusForError(err);
  const kind = errorKind(err);
  const code = (err as { code?: unknown }).code;
  if (code === 'ERR_STREAM_PREMATURE_CLOSE') {
    logger.debug({ reqId: id, path: req.url }, 'client closed the connection');
  } else if (code === 'MODGATE_SEND_TIMEOUT') {
    // The client stopped reading a download (server.send_timeout): its doing, but an operator
    // seeing many of these may be looking at a slow-read attack or a broken network.
    const msg = err instanceof Error ? err.message : String(err);
    logger.info({ reqId: id, path: req.url, error: msg }, 'client stopped reading; connection cut');
  } else if (kind === 'internal') {
    logger.error({ err, reqId: id, path: req.url }, 'internal error');
  } else if (status >= 500) {
    const msg = err instanceof Error ? err.message : String(err);
    logger.warn({ reqId: id, path: req.url, kind, status, error: msg }, 'request failed');
  } else {
    const msg = err instanceof Error ? err.message : String(err);
    logger.debug({ reqId: id, path: req.url, kind, status, error: msg }, 'request refused');
  }
}
