import type { ServerResponse } from 'node:http';
import { errorKind } from '../errors/index.js';
import { statusForError } from './status-for-error.js';

/**
 * Answers a request with an error: the status from `statusForError`, a short plain-text body a
 * person can act on (the go command shows it under "server response:"). Internal errors get a
 * generic text naming the request id instead of details. If the response already started
 * (a zip was streaming), the connection is cut so the client sees an incomplete body.
 */
export function sendError(res: ServerResponse, err: unknown, requestId: string): void {
  if (res.headersSent) {
    res.destroy(err instanceof Error ? err : undefined);
    return;
  }
  const status = statusForError(err);
  const text =
    errorKind(err) === 'internal' || !(err instanceof Error)
      ? `internal error (request id ${requestId})`
      : err.message;
  const body = Buffer.from(text.replace(/[^\x20-\x7e\n\t]/g, '?') + '\n');
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', body.length);
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
