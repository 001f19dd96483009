import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HANDOVER,
  MAX_FAST_FIELDS,
  MAX_FAST_HEAD,
  PARTIAL,
  readRequestHead,
} from '../../src/http/fast-path/request-head.js';

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
