/**
 * The fast path's request recognizer: it says whether the bytes at the start of a buffer are
 * a request head it can PROVE simple, and anything it is not sure of goes to node:http.
 *
 * Simple means (RFC 9112 §3, §5; stricter than llhttp's own strict mode, never looser, so a
 * head cannot mean one thing here and another to node:http or to a proxy in front):
 * - the request line is `GET` or `HEAD`, one space, an origin-form target of RFC 3986 path and
 *   query characters only (no fragment, no absolute form, no `*`), one space, `HTTP/1.1`;
 * - every field line is `token ":" OWS value OWS` with the value of visible ASCII, space and
 *   tab only: no obs-fold (a line starting with whitespace fails the token), no whitespace
 *   before the colon, no bare CR or LF, no NUL or other control character, no obs-text;
 * - exactly one `Host`; at most one `Connection`, whose value is `keep-alive` or `close`;
 * - none of the fields that frame a body or change the exchange: `Content-Length`,
 *   `Transfer-Encoding`, `Expect`, `Upgrade`, `TE`, `Trailer`, nor the ones that make the
 *   answer conditional or partial: `Range`, `If-*`; nor `traceparent`, which node:http's path
 *   passes on to the upstreams a miss reaches (metrics/tracing/carried-trace.ts);
 * - the head, blank line included, fits in MAX_FAST_HEAD bytes and has at most
 *   MAX_FAST_FIELDS field lines (node:http's own limits are larger: whatever is cut here is
 *   node:http's to accept or refuse with 431).
 */

import type { CachedAnswer } from '../../service/answer-cache.js';
import {
  TARGET_HASH_PRIME,
  TARGET_HASH_SEED,
  type TargetSlot,
  type TargetTable,
} from './target-table.js';

/** The most bytes of a head (request line to blank line) the fast path reads. */
export const MAX_FAST_HEAD = 8192;
/** The most field lines of a head the fast path reads. */
export const MAX_FAST_FIELDS = 64;

/** A simple request, and where in the buffer the next one starts. */
export interface SimpleHead {
  /** HEAD (else GET). */
  readonly head: boolean;
  /** The request target as sent (path and query), what node:http calls `req.url`. */
  readonly target: string;
  /** Connection: close was sent: the connection ends after this answer. */
  readonly close: boolean;
  /** The X-Request-Id value as node:http would give it (several joined by ", "), if sent. */
  readonly requestId: string | undefined;
  /** Offset just past the blank line ending this head. */
  readonly end: number;
  /** The Authorization value, when sent (once: a second one hands the request over). */
  readonly authorization?: string;
  /** The X-Forwarded-For values as node:http joins them, when sent. */
  readonly forwardedFor?: string;
  /**
   * The kept target (target-table.ts) when read with a table: `target` is its string, and its
   * memo is the answerer's. Absent when read without one.
   */
  readonly slot?: TargetSlot;
  /** Set by the answering side: the authenticated user and the client address, for the log. */
  user?: string | undefined;
  client?: string | undefined;
  /**
   * Set by the answering side: the answer cache's entry the answer came from, if it did (where
   * the response head's bytes are kept, response-head.ts); else undefined.
   */
  cached?: CachedAnswer | undefined;
}

/** More bytes are needed to see the whole head, and what is there so far is plausible. */
export const PARTIAL = 0;
/** Not provably simple: node:http must read it. */
export const HANDOVER = 1;

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

/** A head still coming in: only CRLF line ends and the characters a simple head may hold. */
const PLAUSIBLE_PREFIX = /^(?:[\t\x20-\x7e]|\r\n)*\r?$/;

/** Byte classes, as tables: RFC 3986 path characters, the query's (`?` too), tchar, field-value. */
function byteClass(chars: string, ranges: [number, number][] = []): Uint8Array {
  const table = new Uint8Array(256);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  for (const [from, to] of ranges) table.fill(1, from, to + 1);
  return table;
}
const ALNUM: [number, number][] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x61, 0x7a],
];
const PATH_BYTE = byteClass("-._~%!$&'()*+,;=:@/", ALNUM);
const QUERY_BYTE = byteClass("-._~%!$&'()*+,;=:@/?", ALNUM);
const TOKEN_BYTE = byteClass("!#$%&'*+-.^_`|~", ALNUM);
const VALUE_BYTE = byteClass('\t', [[0x20, 0x7e]]);

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;
const HTTP11 = Buffer.from(' HTTP/1.1', 'latin1');

/** Whether buf[from, to) is `lower` (lower-case ASCII) ignoring the case of letters. */
function lowerEquals(buf: Buffer, from: number, to: number, lower: string): boolean {
  if (to - from !== lower.length) return false;
  for (let k = 0; k < lower.length; k++) {
    let c = buf[from + k] as number;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** Field names that send the request to node:http whatever their value (and `if-*`). */
function refusedName(buf: Buffer, from: number, to: number): boolean {
  switch (to - from) {
    case 2:
      return lowerEquals(buf, from, to, 'te');
    case 5:
      return lowerEquals(buf, from, to, 'range');
    case 6:
      return lowerEquals(buf, from, to, 'expect');
    case 7:
      return lowerEquals(buf, from, to, 'upgrade') || lowerEquals(buf, from, to, 'trailer');
    case 11:
      return lowerEquals(buf, from, to, 'traceparent');
    case 14:
      return lowerEquals(buf, from, to, 'content-length');
    case 17:
      return lowerEquals(buf, from, to, 'transfer-encoding');
  }
  return false;
}

/**
 * Reads the request head starting at `start` in `buf`: a SimpleHead, PARTIAL when the head is
 * not complete yet (and nothing so far rules it out), or HANDOVER.
 *
 * It reads the bytes in place (byte-class tables, case-insensitive compares of the few field
 * names that matter) and makes strings only of the target, an X-Request-Id, Authorization and
 * X-Forwarded-For (issue 14: who asks, from where): no string of
 * the whole head, no per-line slices or regular expressions, which were ~5 % of the fast
 * path's CPU under the mixed load. test/http/fast-path-request-head.test.ts holds it to the
 * rules above, and to the earlier, regular-expression reading of them on generated heads.
 */
export function readRequestHead(
  buf: Buffer,
  start: number,
  targets?: TargetTable,
): SimpleHead | typeof PARTIAL | typeof HANDOVER {
  const stop = buf.indexOf(CRLFCRLF, start);
  if (stop < 0) {
    const length = buf.length - start;
    if (length + 4 > MAX_FAST_HEAD) return HANDOVER;
    return PLAUSIBLE_PREFIX.test(buf.toString('latin1', start)) ? PARTIAL : HANDOVER;
  }
  const end = stop + 4;
  if (end - start > MAX_FAST_HEAD) return HANDOVER;
  // The request line: `GET ` or `HEAD `, the origin-form target, ` HTTP/1.1`, then CRLF (or
  // the end of the head: no field lines, so no Host, handed over below).
  let i = start;
  let isHead: boolean;
  if (buf[i] === 0x47 && buf[i + 1] === 0x45 && buf[i + 2] === 0x54 && buf[i + 3] === SP) {
    isHead = false;
    i += 4;
  } else if (
    buf[i] === 0x48 &&
    buf[i + 1] === 0x45 &&
    buf[i + 2] === 0x41 &&
    buf[i + 3] === 0x44 &&
    buf[i + 4] === SP
  ) {
    isHead = true;
    i += 5;
  } else {
    return HANDOVER;
  }
  const targetStart = i;
  if (i >= stop || buf[i] !== 0x2f) return HANDOVER;
  let chars = PATH_BYTE;
  // FNV-1a of the target's bytes, for the target table (the `/` is in it too).
  let hash = Math.imul(TARGET_HASH_SEED ^ 0x2f, TARGET_HASH_PRIME);
  for (i++; i < stop; i++) {
    const c = buf[i] as number;
    if (c === SP) break;
    hash = Math.imul(hash ^ c, TARGET_HASH_PRIME);
    if (chars[c] !== 1) {
      if (c !== 0x3f) return HANDOVER;
      chars = QUERY_BYTE; // the first `?` starts the query
    }
  }
  const targetEnd = i;
  // Compared here rather than with buf.compare: 9 bytes are cheaper than a call into C++.
  if (i + HTTP11.length > stop) return HANDOVER;
  for (let k = 0; k < HTTP11.length; k++) if (buf[i + k] !== HTTP11[k]) return HANDOVER;
  i += HTTP11.length;
  if (i === stop || buf[i] !== CR || buf[i + 1] !== LF) return HANDOVER;
  let hosts = 0;
  let connection = 0; // 0 none, 1 keep-alive, 2 close
  let requestId: string | undefined;
  let authorization: string | undefined;
  let forwardedFor: string | undefined;
  let fields = 0;
  // Field lines: `token ":" value` up to CRLF, the last one up to `stop`.
  for (let line = i + 2; ;) {
    if (++fields > MAX_FAST_FIELDS) return HANDOVER;
    let k = line;
    while (k < stop && TOKEN_BYTE[buf[k] as number] === 1) k++;
    if (k === line || k === stop || buf[k] !== COLON) return HANDOVER;
    let v = k + 1;
    while (v < stop && VALUE_BYTE[buf[v] as number] === 1) v++;
    if (v !== stop && (buf[v] !== CR || buf[v + 1] !== LF)) return HANDOVER;
    if (refusedName(buf, line, k) || lowerEquals(buf, line, line + Math.min(3, k - line), 'if-')) {
      return HANDOVER;
    }
    // The value without the optional whitespace around it (RFC 9110 §5.5).
    let a = k + 1;
    let b = v;
    while (a < b && (buf[a] === SP || buf[a] === TAB)) a++;
    while (b > a && (buf[b - 1] === SP || buf[b - 1] === TAB)) b--;
    if (lowerEquals(buf, line, k, 'host')) {
      hosts++;
    } else if (lowerEquals(buf, line, k, 'connection')) {
      if (connection !== 0) return HANDOVER;
      if (lowerEquals(buf, a, b, 'keep-alive')) connection = 1;
      else if (lowerEquals(buf, a, b, 'close')) connection = 2;
      else return HANDOVER;
    } else if (lowerEquals(buf, line, k, 'x-request-id')) {
      const value = buf.toString('latin1', a, b);
      requestId = requestId === undefined ? value : `${requestId}, ${value}`;
    } else if (lowerEquals(buf, line, k, 'authorization')) {
      if (authorization !== undefined) return HANDOVER;
      authorization = buf.toString('latin1', a, b);
    } else if (lowerEquals(buf, line, k, 'x-forwarded-for')) {
      const value = buf.toString('latin1', a, b);
      forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
    }
    if (v === stop) break;
    line = v + 2;
  }
  if (hosts !== 1) return HANDOVER;
  const close = connection === 2;
  // Authorization and X-Forwarded-For only when sent: most requests carry neither, and get
  // a plain literal of one shape (no spread of temporary objects per request).
  let head: SimpleHead;
  if (targets !== undefined) {
    const slot = targets.slotOf(buf, targetStart, targetEnd, hash >>> 0);
    head = {
      head: isHead,
      target: slot.target,
      close,
      requestId,
      end,
      slot,
      // What the answering side sets, in the literal: one shape from the start, and no
      // property store that changes it (and allocates a property array) per request.
      user: undefined,
      client: undefined,
      cached: undefined,
    };
  } else {
    const target = buf.toString('latin1', targetStart, targetEnd);
    head = {
      head: isHead,
      target,
      close,
      requestId,
      end,
      user: undefined,
      client: undefined,
      cached: undefined,
    };
  }
  if (authorization === undefined && forwardedFor === undefined) return head;
  return {
    ...head,
    ...(authorization === undefined ? {} : { authorization }),
    ...(forwardedFor === undefined ? {} : { forwardedFor }),
  };
}
