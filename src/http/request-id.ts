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
  return plainRequestId(given) ?? generatedRequestId(nextRequestNumber());
}

/** The client's X-Request-Id value (as node:http joins them) if it is used as the id. */
export function plainRequestId(given: string | undefined): string | undefined {
  return given !== undefined && PLAIN_ID.test(given) ? given : undefined;
}

/** The number of the next generated id (see generatedRequestId). */
export function nextRequestNumber(): number {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return counter;
}

/** The generated id numbered `n`: `<random prefix>-<n in base 36>`. */
export function generatedRequestId(n: number): string {
  return `${prefix}-${n.toString(36)}`;
}

/** `<random prefix>-`, as bytes (the fast path writes generated ids into heads). */
export const GENERATED_ID_PREFIX = Buffer.from(`${prefix}-`, 'latin1');

const DIGITS = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz', 'latin1');

/** How many bytes writeRequestNumber writes for `n`. */
export function requestNumberLength(n: number): number {
  let length = 1;
  for (let v = n; v >= 36; v = Math.floor(v / 36)) length++;
  return length;
}

/**
 * Writes `n` in base 36 (as generatedRequestId does: lower-case digits) at `at` in `out`,
 * taking requestNumberLength(n) bytes: no string is made.
 */
export function writeRequestNumber(out: Buffer, at: number, n: number): void {
  let v = n;
  for (let k = at + requestNumberLength(n) - 1; k >= at; k--) {
    out[k] = DIGITS[v % 36] as number;
    v = Math.floor(v / 36);
  }
}
