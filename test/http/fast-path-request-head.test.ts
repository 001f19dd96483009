import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HANDOVER,
  MAX_FAST_FIELDS,
  MAX_FAST_HEAD,
  PARTIAL,
  readRequestHead,
  type SimpleHead,
} from '../../src/http/fast-path/request-head.js';

/** What the answering side sets, undefined in every head read (one shape from the start). */
const UNANSWERED = { user: undefined, client: undefined, cached: undefined };

const read = (text: string, start = 0) => readRequestHead(Buffer.from(text, 'latin1'), start);
const head = (...lines: string[]): string => [...lines, '', ''].join('\r\n');

test('simple heads: method, target, Connection, X-Request-Id, where the next one starts', () => {
  const one = head('GET /m/@v/list HTTP/1.1', 'Host: x');
  assert.deepEqual(read(one), {
    head: false,
    target: '/m/@v/list',
    close: false,
    requestId: undefined,
    end: one.length,
    ...UNANSWERED,
  });
  const r = read(
    one +
      head(
        'HEAD /a/@v/v1.0.0.info?x=1&y=%41 HTTP/1.1',
        'host:x',
        'Connection:\tClose ',
        'X-Request-Id:  a-1 ',
        'x-request-id: b',
        'User-Agent: Go-http-client/1.1',
      ),
    one.length,
  );
  assert.ok(r !== PARTIAL && r !== HANDOVER);
  assert.equal(r.head, true);
  assert.equal(r.target, '/a/@v/v1.0.0.info?x=1&y=%41');
  assert.equal(r.close, true);
  assert.equal(r.requestId, 'a-1, b', 'joined as node:http joins them');
});

test('an incomplete head is PARTIAL while it could still be simple', () => {
  for (const text of [
    'G',
    'GET /m HTTP/1.1\r',
    'GET /m HTTP/1.1\r\nHost: x\r\n',
    'GET /m HTTP/1.1\r\nHost: x\r\n\r',
  ]) {
    assert.equal(read(text), PARTIAL, JSON.stringify(text));
  }
  for (const text of [
    'GET /m HTTP/1.1\nHost: x\n\n',
    'GET /m\0',
    'GET /m HTTP/1.1\r\nX: \xe9',
    'GET /m\rX',
  ]) {
    assert.equal(read(text), HANDOVER, JSON.stringify(text));
  }
  assert.equal(read('GET /' + 'a'.repeat(MAX_FAST_HEAD)), HANDOVER, 'too long to be simple');
});

test('anything not provably simple is HANDOVER', () => {
  const cases: [string, string][] = [
    ['POST', head('POST /m HTTP/1.1', 'Host: x')],
    ['lower-case method', head('get /m HTTP/1.1', 'Host: x')],
    ['HTTP/1.0', head('GET /m HTTP/1.0', 'Host: x')],
    ['HTTP/2.0', head('GET /m HTTP/2.0', 'Host: x')],
    ['absolute-form', head('GET http://x/m HTTP/1.1', 'Host: x')],
    ['asterisk', head('OPTIONS * HTTP/1.1', 'Host: x')],
    ['fragment', head('GET /m#f HTTP/1.1', 'Host: x')],
    ['quote in target', head('GET /m" HTTP/1.1', 'Host: x')],
    ['two spaces', head('GET  /m HTTP/1.1', 'Host: x')],
    ['trailing space', head('GET /m HTTP/1.1 ', 'Host: x')],
    ['no Host', head('GET /m HTTP/1.1', 'Accept: */*')],
    ['two Hosts', head('GET /m HTTP/1.1', 'Host: x', 'Host: x')],
    ['space before colon', head('GET /m HTTP/1.1', 'Host : x')],
    ['obs-fold', head('GET /m HTTP/1.1', 'Host: x', 'X-A: a', ' b')],
    ['empty name', head('GET /m HTTP/1.1', 'Host: x', ': a')],
    ['no colon', head('GET /m HTTP/1.1', 'Host: x', 'X-A')],
    ['NUL', head('GET /m HTTP/1.1', 'Host: x', 'X-A: a\0')],
    ['obs-text', head('GET /m HTTP/1.1', 'Host: x', 'X-A: \x80')],
    ['DEL', head('GET /m HTTP/1.1', 'Host: x', 'X-A: \x7f')],
    ['Content-Length: 0', head('GET /m HTTP/1.1', 'Host: x', 'Content-Length: 0')],
    ['Transfer-Encoding', head('GET /m HTTP/1.1', 'Host: x', 'transfer-encoding: chunked')],
    ['Expect', head('GET /m HTTP/1.1', 'Host: x', 'Expect: 100-continue')],
    ['Upgrade', head('GET /m HTTP/1.1', 'Host: x', 'Upgrade: h2c')],
    ['TE', head('GET /m HTTP/1.1', 'Host: x', 'TE: trailers')],
    ['Trailer', head('GET /m HTTP/1.1', 'Host: x', 'Trailer: X')],
    ['Range', head('GET /m HTTP/1.1', 'Host: x', 'Range: bytes=0-1')],
    ['If-None-Match', head('GET /m HTTP/1.1', 'Host: x', 'If-None-Match: "a"')],
    ['If-Modified-Since', head('GET /m HTTP/1.1', 'Host: x', 'IF-MODIFIED-SINCE: x')],
    ['Connection: upgrade', head('GET /m HTTP/1.1', 'Host: x', 'Connection: upgrade')],
    ['Connection: a list', head('GET /m HTTP/1.1', 'Host: x', 'Connection: keep-alive, close')],
    [
      'two Connections',
      head('GET /m HTTP/1.1', 'Host: x', 'Connection: close', 'Connection: close'),
    ],
    ['leading empty line', '\r\n' + head('GET /m HTTP/1.1', 'Host: x')],
    [
      'too many fields',
      head('GET /m HTTP/1.1', 'Host: x', ...Array<string>(MAX_FAST_FIELDS).fill('X-A: a')),
    ],
  ];
  for (const [label, text] of cases) assert.equal(read(text), HANDOVER, label);
});

// The reading of the rules before the fast path read bytes in place (issue 9 item 6): the same
// rules with regular expressions over the head as a string. The byte reader must give the
// very same result on every head, simple or not; generated heads below mutate simple ones with
// the bytes and field names the rules turn on.
const REF_REQUEST_LINE =
  /^(GET|HEAD) (\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*(?:\?[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*)?) HTTP\/1\.1$/;
const REF_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REF_VALUE = /^[\t\x20-\x7e]*$/;
/** A head still coming in: only CRLF line ends and the characters a simple head may hold. */
const REF_PLAUSIBLE_PREFIX = /^(?:[\t\x20-\x7e]|\r\n)*\r?$/;

/** Field names that send the request to node:http whatever their value. */
const REF_REFUSED = new Set([
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
function regexReadRequestHead(
  buf: Buffer,
  start: number,
): SimpleHead | typeof PARTIAL | typeof HANDOVER {
  const stop = buf.indexOf('\r\n\r\n', start, 'latin1');
  if (stop < 0) {
    const length = buf.length - start;
    if (length + 4 > MAX_FAST_HEAD) return HANDOVER;
    return REF_PLAUSIBLE_PREFIX.test(buf.toString('latin1', start)) ? PARTIAL : HANDOVER;
  }
  const end = stop + 4;
  if (end - start > MAX_FAST_HEAD) return HANDOVER;
  const text = buf.toString('latin1', start, stop);
  let lineEnd = text.indexOf('\r\n');
  const m = REF_REQUEST_LINE.exec(lineEnd < 0 ? text : text.slice(0, lineEnd));
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
    if (!REF_TOKEN.test(name) || !REF_VALUE.test(raw)) return HANDOVER;
    const lower = name.toLowerCase();
    if (REF_REFUSED.has(lower) || lower.startsWith('if-')) return HANDOVER;
    if (lower === 'host') {
      hosts++;
    } else if (lower === 'connection') {
      if (connection !== undefined) return HANDOVER;
      connection = referenceTrimOws(raw).toLowerCase();
      if (connection !== 'keep-alive' && connection !== 'close') return HANDOVER;
    } else if (lower === 'x-request-id') {
      const value = referenceTrimOws(raw);
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
    ...UNANSWERED,
  };
}

/** A field value without the optional whitespace around it (RFC 9110 §5.5). */
function referenceTrimOws(value: string): string {
  let a = 0;
  let b = value.length;
  while (a < b && (value[a] === ' ' || value[a] === '\t')) a++;
  while (b > a && (value[b - 1] === ' ' || value[b - 1] === '\t')) b--;
  return value.slice(a, b);
}

/** A deterministic PRNG (xorshift32), so a failure names a reproducible case. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

test('the byte reader agrees with the regular-expression reading on generated heads', () => {
  const rand = xorshift(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const names = [
    'Host',
    'host',
    'HOST',
    'Connection',
    'connection',
    'X-Request-Id',
    'x-request-id',
    'User-Agent',
    'Accept-Encoding',
    'Content-Length',
    'Transfer-Encoding',
    'Expect',
    'Upgrade',
    'TE',
    'te',
    'Trailer',
    'Range',
    'RANGE',
    'If-None-Match',
    'if-',
    'IF-X',
    'I',
    'Ho',
    'Hosts',
    'X-A',
    'Connectio',
    'Te',
    'Tes',
  ];
  const values = [
    'x',
    '127.0.0.1:8080',
    'keep-alive',
    'close',
    'Close',
    ' KEEP-ALIVE\t',
    'keep-alive, close',
    'upgrade',
    'a-1',
    ' a b ',
    '',
    '\t',
    'Go-http-client/1.1',
    'gzip',
    '"etag"',
    'bytes=0-1',
  ];
  const targets = [
    '/m/@v/list',
    '/a/@v/v1.0.0.info?x=1&y=%41',
    '/',
    '/x?',
    '/x??y',
    '/m"',
    '/m#f',
    '*',
    'http://x/m',
    "/%7e~!$&'()*+,;=:@",
    '/a b',
    '',
  ];
  const noise = [
    '\r',
    '\n',
    '\r\n',
    ':',
    ' ',
    '\t',
    '\0',
    '\x7f',
    '\xe9',
    '?',
    '/',
    '%',
    'A',
    'a',
    '-',
  ];
  const good = <T>(likely: readonly T[], any: readonly T[]): T =>
    rand() < 0.8 ? pick(likely) : pick(any);
  const simple = (): string => {
    const method = good(['GET', 'HEAD'], ['GET', 'HEAD', 'POST', 'get', 'GET ']);
    const target = good(targets.slice(0, 6), targets);
    const version = good(['HTTP/1.1'], ['HTTP/1.0', 'HTTP/1.1 ', 'HTTP/2']);
    const lines = [`${method} ${target} ${version}`];
    const n = Math.floor(rand() * 5);
    for (let k = 0; k < n; k++) {
      const name = good(['User-Agent', 'Accept-Encoding', 'X-A', 'X-Request-Id'], names);
      lines.push(`${name}${pick([': ', ':', ':\t', ' : '])}${pick(values)}`);
    }
    if (rand() < 0.9) lines.splice(1 + Math.floor(rand() * n), 0, `Host: ${pick(values)}`);
    return [...lines, '', ''].join('\r\n');
  };
  let simpleSeen = 0;
  for (let n = 0; n < 20000; n++) {
    let text = simple();
    const mutations = rand() < 0.5 ? 0 : 1 + Math.floor(rand() * 3);
    for (let k = 0; k < mutations; k++) {
      const at = Math.floor(rand() * text.length);
      const cut = rand() < 0.5 ? 1 : 0;
      text = text.slice(0, at) + pick(noise) + text.slice(at + cut);
    }
    const prefix = rand() < 0.2 ? head('GET /p HTTP/1.1', 'Host: x') : '';
    const buf = Buffer.from(prefix + text, 'latin1');
    const expected = regexReadRequestHead(buf, prefix.length);
    assert.deepEqual(readRequestHead(buf, prefix.length), expected, JSON.stringify(text));
    if (expected !== PARTIAL && expected !== HANDOVER) simpleSeen++;
  }
  assert.ok(simpleSeen > 1500, `only ${simpleSeen} simple heads generated`);
});
