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
 *   answer conditional or partial: `Range`, `If-*`;
 * - the head, blank line included, fits in MAX_FAST_HEAD bytes and has at most
 *   MAX_FAST_FIELDS field lines (node:http's own limits are larger: whatever is cut here is
 *   node:http's to accept or refuse with 431).
 */

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
}

/** More bytes are needed to see the whole head, and what is there so far is plausible. */
export const PARTIAL = 0;
/** Not provably simple: node:http must read it. */
export const HANDOVER = 1;

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

const REQUEST_LINE =
  /^(GET|HEAD) (\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*(?:\?[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*)?) HTTP\/1\.1$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[\t\x20-\x7e]*$/;
/** A head still coming in: only CRLF line ends and the characters a simple head may hold. */
const PLAUSIBLE_PREFIX = /^(?:[\t\x20-\x7e]|\r\n)*\r?$/;

/** Field names that send the request to node:http whatever their value. */
const REFUSED = new Set([
  'content-length',
  'transfer-encoding',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'range',
]);

/**
 * Reads the request head starting at `start` in `buf`: a SimpleHead, PARTIAL when the head is
 * not complete yet (and nothing so far rules it out), or HANDOVER.
 */
export function readRequestHead(
  buf: Buffer,
  start: number,
): SimpleHead | typeof PARTIAL | typeof HANDOVER {
  const stop = buf.indexOf(CRLFCRLF, start);
  if (stop < 0) {
    const length = buf.length - start;
    if (length + 4 > MAX_FAST_HEAD) return HANDOVER;
    return PLAUSIBLE_PREFIX.test(buf.toString('latin1', start)) ? PARTIAL : HANDOVER;
  }
  const end = stop + 4;
  if (end - start > MAX_FAST_HEAD) return HANDOVER;
  const text = buf.toString('latin1', start, stop);
  let lineEnd = text.indexOf('\r\n');
  const m = REQUEST_LINE.exec(lineEnd < 0 ? text : text.slice(0, lineEnd));
  if (m === null) return HANDOVER;
  let hosts = 0;
  let connection: string | undefined;
  let requestId: string | undefined;
  let fields = 0;
  while (lineEnd >= 0) {
    const from = lineEnd + 2;
    lineEnd = text.indexOf('\r\n', from);
    const line = lineEnd < 0 ? text.slice(from) : text.slice(from, lineEnd);
    if (++fields > MAX_FAST_FIELDS) return HANDOVER;
    const colon = line.indexOf(':');
    if (colon <= 0) return HANDOVER;
    const name = line.slice(0, colon);
    const raw = line.slice(colon + 1);
    if (!TOKEN.test(name) || !VALUE.test(raw)) return HANDOVER;
    const lower = name.toLowerCase();
    if (REFUSED.has(lower) || lower.startsWith('if-')) return HANDOVER;
    if (lower === 'host') {
      hosts++;
    } else if (lower === 'connection') {
      if (connection !== undefined) return HANDOVER;
      connection = trimOws(raw).toLowerCase();
      if (connection !== 'keep-alive' && connection !== 'close') return HANDOVER;
    } else if (lower === 'x-request-id') {
      const value = trimOws(raw);
      requestId = requestId === undefined ? value : `${requestId}, ${value}`;
    }
  }
  if (hosts !== 1) return HANDOVER;
  return {
    head: m[1] === 'HEAD',
    target: m[2] ?? '/',
    close: connection === 'close',
    requestId,
    end,
  };
}

/** A field value without the optional whitespace around it (RFC 9110 §5.5). */
function trimOws(value: string): string {
  let a = 0;
  let b = value.length;
  while (a < b && (value[a] === ' ' || value[a] === '\t')) a++;
  while (b > a && (value[b - 1] === ' ' || value[b - 1] === '\t')) b--;
  return value.slice(a, b);
}
