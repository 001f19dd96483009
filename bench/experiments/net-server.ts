// Experiment (issue 9 item 6), not product code: the ceiling of a hand-written HTTP/1.1 fast
// path on `node:net`. Every file of a GOPROXY tree is read into memory at start with its
// response headers prepared; a connection's bytes are cut into requests by hand (request line,
// headers up to the blank line), and each answer is two writes under cork() — a status line
// with the current Date (rebuilt once a second) and the prepared headers + body — which libuv
// sends as one writev per batch of pipelined requests.
//
// It parses "just enough" and refuses the rest, so its numbers are an upper bound for any
// fast path: GET and HEAD only; HTTP/1.1 keep-alive (closed on `Connection: close`) and
// HTTP/1.0 (closed unless `Connection: keep-alive`); pipelining; a request with a body
// (Content-Length other than 0, or Transfer-Encoding) is answered 400 and the connection
// closed, as is a malformed request line or one with an absolute URI; a head over 16 KiB is
// answered 431 and closed; an idle connection is closed after 65 s. No Expect, no chunked
// bodies, no header folding rules, no Host checks, no limit on pipelined requests per turn.
//
// With `handover` as a third argument it is option B of README.md instead: only a request it
// can prove simple is answered here — `GET`/`HEAD` of an origin-form target over HTTP/1.1,
// every header line `token ":" visible-characters`, exactly one Host, no Content-Length,
// Transfer-Encoding, Expect, Upgrade, Range or conditional header, Connection absent or
// keep-alive/close. At the first other request the connection, with the bytes not yet
// answered, is handed to a node:http server with the same Map (bench/bare-server.ts's
// handler), which then owns it: every hard case is node:http's.
//   node dist/bench/experiments/net-server.js <data-dir> <port> [handover]
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from '../../test/support/list-files.js';

const TYPES: Record<string, string> = {
  info: 'application/json',
  mod: 'text/plain; charset=utf-8',
  zip: 'application/zip',
};
const MAX_HEAD = 16 * 1024;
const IDLE_MS = 65_000;
const CRLFCRLF = Buffer.from('\r\n\r\n');

const [dataDir, portText, mode] = process.argv.slice(2);
const handover = mode === 'handover';
if (dataDir === undefined || portText === undefined) {
  process.stderr.write('usage: net-server <data-dir> <port>\n');
  process.exit(2);
}

/** A prepared answer: headers after the status and Date lines, and the body. */
interface Prepared {
  head: Buffer;
  full: Buffer;
}

function prepare(type: string, body: Buffer, keepAlive: boolean): Prepared {
  const head = Buffer.from(
    `Content-Type: ${type}\r\nContent-Length: ${body.length}\r\n` +
      `Connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`,
    'latin1',
  );
  return { head, full: Buffer.concat([head, body]) };
}

const files = new Map<string, { keep: Prepared; close: Prepared; body: Buffer; type: string }>();
for (const rel of await listFiles(dataDir)) {
  const body = await readFile(join(dataDir, rel));
  const type = TYPES[rel.slice(rel.lastIndexOf('.') + 1)] ?? 'text/plain; charset=utf-8';
  files.set('/' + rel, {
    keep: prepare(type, body, true),
    close: prepare(type, body, false),
    body,
    type,
  });
}
const notFoundBody = Buffer.from('not found\n');
const notFound = {
  keep: prepare('text/plain; charset=utf-8', Buffer.from('not found\n'), true),
  close: prepare('text/plain; charset=utf-8', Buffer.from('not found\n'), false),
};

/** "HTTP/1.1 <status>\r\nDate: <now>\r\n" per status, rebuilt when the second changes. */
let statusLines = new Map<number, Buffer>();
let statusSecond = -1;
function statusLine(status: number): Buffer {
  const second = Math.floor(Date.now() / 1000);
  if (second !== statusSecond) {
    statusSecond = second;
    statusLines = new Map();
  }
  let line = statusLines.get(status);
  if (line === undefined) {
    const reason = REASONS[status] ?? 'Error';
    line = Buffer.from(
      `HTTP/1.1 ${status} ${reason}\r\nDate: ${new Date(second * 1000).toUTCString()}\r\n`,
      'latin1',
    );
    statusLines.set(status, line);
  }
  return line;
}
const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
};

/** Answers an error and closes the connection. */
function fail(socket: Socket, status: number): void {
  const body = `${REASONS[status] ?? 'Error'}\n`;
  socket.end(
    Buffer.concat([
      statusLine(status),
      Buffer.from(
        `Content-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        'latin1',
      ),
    ]),
  );
}

/**
 * Answers every complete request at the start of `buf`; returns the unparsed rest (a partial
 * request), or null when nothing is left (or the connection is being closed).
 */
function serve(socket: Socket, buf: Buffer): Buffer | null {
  let start = 0;
  socket.cork();
  try {
    for (;;) {
      const end = buf.indexOf(CRLFCRLF, start);
      if (end < 0) {
        if (buf.length - start > MAX_HEAD) {
          fail(socket, 431);
          return null;
        }
        return start === 0 ? buf : buf.subarray(start);
      }
      if (end - start > MAX_HEAD) {
        fail(socket, 431);
        return null;
      }
      const head = buf.toString('latin1', start, end);
      if (handover && !isSimple(head)) {
        giveToNodeHttp(socket, buf.subarray(start));
        return null;
      }
      start = end + 4;
      const lineEnd = head.indexOf('\r\n');
      const line = lineEnd < 0 ? head : head.slice(0, lineEnd);
      const sp1 = line.indexOf(' ');
      const sp2 = line.indexOf(' ', sp1 + 1);
      if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
        fail(socket, 400);
        return null;
      }
      const method = line.slice(0, sp1);
      const target = line.slice(sp1 + 1, sp2);
      const version = line.slice(sp2 + 1);
      if ((version !== 'HTTP/1.1' && version !== 'HTTP/1.0') || target[0] !== '/') {
        fail(socket, 400);
        return null;
      }
      if (method !== 'GET' && method !== 'HEAD') {
        fail(socket, 501);
        return null;
      }
      let keepAlive = version === 'HTTP/1.1';
      if (lineEnd >= 0) {
        // Header names are case-insensitive; only these three matter here.
        const lower = head.slice(lineEnd).toLowerCase();
        if (lower.includes('\r\ntransfer-encoding:') || hasBody(lower)) {
          fail(socket, 400);
          return null;
        }
        const conn = headerValue(lower, 'connection');
        if (conn !== null) {
          if (conn.includes('close')) keepAlive = false;
          else if (conn.includes('keep-alive')) keepAlive = true;
        }
      }
      const q = target.indexOf('?');
      const file = files.get(q < 0 ? target : target.slice(0, q));
      const answer = file ?? notFound;
      const prepared = keepAlive ? answer.keep : answer.close;
      socket.write(statusLine(file === undefined ? 404 : 200));
      socket.write(method === 'HEAD' ? prepared.head : prepared.full);
      if (!keepAlive) {
        socket.end();
        return null;
      }
      if (start === buf.length) return null;
    }
  } finally {
    socket.uncork();
  }
}

function headerValue(lowerHead: string, name: string): string | null {
  const at = lowerHead.indexOf(`\r\n${name}:`);
  if (at < 0) return null;
  const from = at + name.length + 3;
  const to = lowerHead.indexOf('\r\n', from);
  return lowerHead.slice(from, to < 0 ? undefined : to).trim();
}

function hasBody(lowerHead: string): boolean {
  const length = headerValue(lowerHead, 'content-length');
  return length !== null && length !== '0';
}

const REQUEST_LINE = /^(?:GET|HEAD) \/[\x21-\x7e]* HTTP\/1\.1$/;
const FIELD_LINE = /^[-!#$%&'*+.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*$/;
const FALLBACK_FIELDS =
  /^(?:content-length|transfer-encoding|expect|upgrade|range|if-[a-z-]+|te|trailer):/;

/** True when `head` (request line and field lines, without the blank line) is simple. */
function isSimple(head: string): boolean {
  const lines = head.split('\r\n');
  if (!REQUEST_LINE.test(lines[0] ?? '')) return false;
  let hosts = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!FIELD_LINE.test(line)) return false;
    const lower = line.toLowerCase();
    if (FALLBACK_FIELDS.test(lower)) return false;
    if (lower.startsWith('host:')) hosts++;
    else if (lower.startsWith('connection:')) {
      const v = lower.slice(11).trim();
      if (v !== 'keep-alive' && v !== 'close') return false;
    }
  }
  return hosts === 1;
}

/** node:http answering from the same Map, for the connections handed over. */
const fallback = createHttpServer({ keepAliveTimeout: IDLE_MS }, (req, res) => {
  const file = files.get(req.url ?? '');
  const answer = file === undefined ? notFoundBody : file.body;
  res.writeHead(file === undefined ? 404 : 200, {
    'content-type': file?.type ?? 'text/plain; charset=utf-8',
    'content-length': answer.length,
  });
  res.end(req.method === 'HEAD' ? undefined : answer);
});

/** Hands `socket` to node:http, with `rest` (the first request not answered here) unread. */
function giveToNodeHttp(socket: Socket, rest: Buffer): void {
  // Paused, so that resume() below makes the stream emit the unshifted bytes to node:http's
  // 'data' listener (a stream already flowing would wait for the next read from the socket).
  socket.pause();
  socket.removeAllListeners('data');
  socket.removeAllListeners('timeout');
  socket.removeAllListeners('error');
  socket.setTimeout(0);
  socket.unshift(rest);
  fallback.emit('connection', socket);
  socket.resume();
}

const server = createServer({ noDelay: true }, (socket) => {
  let pending: Buffer | null = null;
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    if (socket.writableEnded) return; // closing after an error or `Connection: close`
    const buf = pending === null ? chunk : Buffer.concat([pending, chunk]);
    pending = serve(socket, buf);
  });
});
server.listen(Number(portText), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
