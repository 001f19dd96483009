import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const prefix = randomBytes(4).toString('hex');
let counter = 0;

/** What a client's own id may be: short, and nothing a log reader or parser could trip on. */
const PLAIN_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * A request id for logs and the X-Request-Id response header: the client's own X-Request-Id
 * when it is short and plain (PLAIN_ID: no spaces, quotes, control or non-ASCII characters,
 * at most 64 of them; two X-Request-Id headers arrive joined by ", " and fail it too), else a
 * process-unique `<random prefix>-<counter>` (cheap: no randomness per request).
 */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return requestIdFrom(typeof given === 'string' ? given : undefined);
}

/** requestIdFor from the X-Request-Id value as node:http gives it (several joined by ", "). */
export function requestIdFrom(given: string | undefined): string {
  if (given !== undefined && PLAIN_ID.test(given)) return given;
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter.toString(36)}`;
}
