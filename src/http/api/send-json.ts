import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The API's version, carried by every JSON body (`"api": 1`; docs/api.md "Versioning"). */
export const API_VERSION = 1;

/**
 * Writes a JSON answer of the dashboard API: `{ "api": 1, ...body }`, never cached by anyone
 * in between (answers depend on who asks), no body for HEAD. A 2xx answer carries a weak ETag
 * of its bytes, and a request whose If-None-Match names it gets 304 (the body is built anyway:
 * the tag saves the transfer, which is what a polling page pays for).
 */
export function sendJson(
  res: ServerResponse,
  req: IncomingMessage,
  status: number,
  body: object,
): void {
  const text = `${JSON.stringify({ api: API_VERSION, ...body })}\n`;
  res.setHeader('cache-control', 'no-store');
  if (status >= 200 && status < 300) {
    const etag = `W/"${createHash('sha1').update(text).digest('base64url').slice(0, 22)}"`;
    res.setHeader('etag', etag);
    if (matches(req.headers['if-none-match'], etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
  }
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** An API error: `{ "api": 1, "error": { "code", "message" } }` with its status. */
export function sendJsonError(
  res: ServerResponse,
  req: IncomingMessage,
  status: number,
  code: string,
  message: string,
): void {
  sendJson(res, req, status, { error: { code, message } });
}

/** If-None-Match: `*` or a list of tags, weak comparison (RFC 9110 §13.1.2). */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const bare = etag.slice(2);
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === etag || tag === bare || tag.slice(2) === bare;
  });
}
