import { createServer, type Server, type Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What the fault upstream does instead of answering a file properly. Byte counts refer to the
 * file's body; where one is left out, half the body is used.
 */
export type Fault =
  /** A status with a short text body (a 5xx, or a 404 for `,` fall-through). */
  | { kind: 'status'; status: number; body?: string }
  /** The full Content-Length, part of the body, then a TCP reset. */
  | { kind: 'reset'; afterBytes?: number }
  /** The full Content-Length, part of the body, then a clean close (FIN): a short body. */
  | { kind: 'short'; afterBytes?: number }
  /** A Content-Length that matches the truncated body it precedes: consistent, but cut. */
  | { kind: 'truncated'; keepBytes?: number }
  /** No Content-Length, `Connection: close`: the body ends with the connection (whole or cut). */
  | { kind: 'close-delimited'; keepBytes?: number }
  /** The full Content-Length, then `chunkBytes` every `intervalMs` (slow loris). */
  | { kind: 'trickle'; chunkBytes: number; intervalMs: number }
  /** The status line and headers one byte every `intervalMs`, never finishing. */
  | { kind: 'slow-headers'; intervalMs: number }
  /** The request is read; nothing is ever written back. */
  | { kind: 'no-answer' }
  /** The headers (full Content-Length) and `bodyBytes` of the body (default none), then silence. */
  | { kind: 'stall-after-headers'; bodyBytes?: number }
  /** The whole file with its Content-Length, then `Connection: close` and a FIN at once. */
  | { kind: 'then-close' }
  /**
   * The right length, but bytes flipped inside the first zip entry's data, or at `at` (from
   * the end when negative).
   */
  | { kind: 'tamper'; at?: number }
  /** Another body (HTML, an `.info` for another version, a huge or foreign go.mod, ...). */
  | { kind: 'replace'; status?: number; body: string | Buffer; contentType?: string }
  /** An error page quoting every request header back (Authorization included). */
  | { kind: 'echo-headers'; status?: number }
  /** A redirect to `location` (absolute, or a path on this server). */
  | { kind: 'redirect'; status?: number; location: string };

export interface FaultRequest {
  /** The path as requested, without the query. */
  path: string;
  headers: Record<string, string>;
}

/** A path prefix under which the tree is served without faults (a redirect target). */
export const NO_FAULT_PREFIX = '/_nofault';

const REASONS: Record<number, string> = {
  200: 'OK',
  301: 'Moved Permanently',
  302: 'Found',
  307: 'Temporary Redirect',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  410: 'Gone',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/**
 * A GOPROXY upstream that misbehaves on purpose, written at the socket level (node:http cannot
 * send a wrong Content-Length, a reset mid-body or half a header). It serves the static tree
 * under `root` (e.g. a FixtureProxy's, whose own server then plays the good upstream) and, for
 * the paths matched by a rule, the rule's fault instead. Good answers keep the connection open
 * for the next request, as a well-behaved proxy does; every other answer closes it.
 */
export class FaultUpstream {
  readonly requests: FaultRequest[] = [];
  /** When set, good zip bodies are sent at about this many bytes per second (per request). */
  zipBytesPerSecond = 0;
  /** Body bytes handed to sockets so far (to time something against a download's progress). */
  bodyBytesSent = 0;
  url = '';
  private readonly rules: Array<{ match: string | RegExp; fault: Fault }> = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private closed = false;

  private constructor(readonly root: string) {
    this.server = createServer((socket) => this.accept(socket));
  }

  static async start(root: string): Promise<FaultUpstream> {
    const upstream = new FaultUpstream(root);
    await new Promise<void>((resolve, reject) => {
      upstream.server.once('error', reject);
      upstream.server.listen(0, '127.0.0.1', resolve);
    });
    const addr = upstream.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('fault upstream: no port');
    upstream.url = `http://127.0.0.1:${addr.port}`;
    return upstream;
  }

  /**
   * Answers with `fault` for the tree path `match` (exact, no leading slash, e.g.
   * `example.com/m/@v/v1.0.0.zip`) or for every path a RegExp matches (e.g. /\.zip$/ for a
   * file kind). The latest matching rule wins.
   */
  set(match: string | RegExp, fault: Fault): void {
    this.rules.unshift({ match, fault });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** Requests whose path contains `needle`. */
  requestsFor(needle: string): FaultRequest[] {
    return this.requests.filter((r) => r.path.includes(needle));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let busy = false;
    // One request at a time; the next one on a kept-alive connection once it is answered.
    const next = (): void => {
      if (busy) return;
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > 64 * 1024) socket.destroy();
        return;
      }
      const request = parseRequest(buffered.subarray(0, end).toString('latin1'));
      buffered = buffered.subarray(end + 4);
      this.requests.push(request);
      busy = true;
      this.answer(request, socket).then(
        (keepAlive) => {
          busy = false;
          if (keepAlive) next();
        },
        () => socket.destroy(),
      );
    };
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      next();
    });
  }

  private faultFor(rel: string): Fault | undefined {
    for (const { match, fault } of this.rules) {
      if (typeof match === 'string' ? match === rel : match.test(rel)) return fault;
    }
    return undefined;
  }

  /**
   * Answers one request; resolves true when the connection stays open for the next (a good
   * answer, as from a well-behaved proxy), false when it is closed or left to the fault.
   */
  private async answer(req: FaultRequest, socket: Socket): Promise<boolean> {
    const noFault = req.path.startsWith(NO_FAULT_PREFIX + '/');
    const rel = safeDecode(
      noFault ? req.path.slice(NO_FAULT_PREFIX.length + 1) : req.path.slice(1),
    );
    const fault = noFault || rel === undefined ? undefined : this.faultFor(rel);
    if (rel === undefined || rel.includes('..')) {
      return this.respond(socket, 400, 'text/plain', Buffer.from('bad path\n'));
    }
    const contentType = rel.endsWith('.zip') ? 'application/zip' : 'text/plain; charset=utf-8';
    switch (fault?.kind) {
      case 'status':
        return this.respond(socket, fault.status, 'text/plain', Buffer.from(fault.body ?? ''));
      case 'replace':
        return this.respond(
          socket,
          fault.status ?? 200,
          fault.contentType ?? 'text/plain; charset=utf-8',
          Buffer.isBuffer(fault.body) ? fault.body : Buffer.from(fault.body),
        );
      case 'echo-headers': {
        // Credentials first, on the first line, where an error message quoting the page's
        // start would pick them up; then every header, one per line.
        const auth = req.headers.authorization ?? '(none)';
        const lines = Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`);
        const body = `denied: authorization ${auth} for GET ${req.path}\n${lines.join('\n')}\n`;
        return this.respond(socket, fault.status ?? 401, 'text/plain', Buffer.from(body));
      }
      case 'redirect': {
        const location = fault.location;
        const head = header(fault.status ?? 302, { location, 'content-length': '0' });
        socket.end(head);
        return false;
      }
      case 'no-answer':
        return false; // the socket stays open until the client gives up (or close())
      case 'slow-headers':
        await this.slowHeaders(socket, fault.intervalMs);
        return false;
      default:
        break;
    }
    const data = await readFile(join(this.root, rel)).catch(() => undefined);
    if (data === undefined) {
      return this.respond(socket, 404, 'text/plain', Buffer.from(`not found: ${rel}\n`));
    }
    const half = Math.floor(data.length / 2);
    switch (fault?.kind) {
      case undefined: {
        const paced = rel.endsWith('.zip') && this.zipBytesPerSecond > 0;
        const head = { 'content-type': contentType, 'content-length': data.length };
        socket.write(header(200, head, false));
        await this.send(socket, data, paced ? this.zipBytesPerSecond : 0);
        return true;
      }
      case 'then-close':
        socket.write(header(200, { 'content-type': contentType, 'content-length': data.length }));
        await this.send(socket, data, 0);
        socket.end();
        return false;
      case 'tamper':
        return this.respond(socket, 200, contentType, tamperZip(data, fault.at));
      case 'truncated':
        return this.respond(socket, 200, contentType, data.subarray(0, fault.keepBytes ?? half));
      case 'close-delimited':
        socket.write(header(200, { 'content-type': contentType }));
        await this.send(socket, data.subarray(0, fault.keepBytes ?? data.length), 0);
        socket.end();
        return false;
      case 'short':
      case 'reset': {
        socket.write(header(200, { 'content-type': contentType, 'content-length': data.length }));
        await this.send(socket, data.subarray(0, fault.afterBytes ?? half), 0);
        // Let the client read what was sent before the connection goes.
        await sleep(50);
        if (fault.kind === 'reset') socket.resetAndDestroy();
        else socket.end();
        return false;
      }
      case 'trickle': {
        socket.write(header(200, { 'content-type': contentType, 'content-length': data.length }));
        for (let at = 0; at < data.length && this.open(socket); at += fault.chunkBytes) {
          socket.write(data.subarray(at, at + fault.chunkBytes));
          await sleep(fault.intervalMs);
        }
        socket.end();
        return false;
      }
      case 'stall-after-headers':
        socket.write(header(200, { 'content-type': contentType, 'content-length': data.length }));
        await this.send(socket, data.subarray(0, fault.bodyBytes ?? 0), 0);
        return false; // silence from here on
    }
  }

  private respond(socket: Socket, status: number, contentType: string, body: Buffer): false {
    socket.write(header(status, { 'content-type': contentType, 'content-length': body.length }));
    socket.end(body);
    return false;
  }

  private async slowHeaders(socket: Socket, intervalMs: number): Promise<void> {
    const text = 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nx-padding: ';
    for (let i = 0; this.open(socket); i++) {
      socket.write(i < text.length ? text[i]! : 'a');
      await sleep(intervalMs);
    }
  }

  /** Writes `data` with backpressure, paced at `bytesPerSecond` when not 0. */
  private async send(socket: Socket, data: Buffer, bytesPerSecond: number): Promise<void> {
    const chunk = 256 * 1024;
    const pause = bytesPerSecond > 0 ? (chunk / bytesPerSecond) * 1000 : 0;
    for (let at = 0; at < data.length && this.open(socket); at += chunk) {
      const piece = data.subarray(at, at + chunk);
      this.bodyBytesSent += piece.length;
      if (!socket.write(piece)) await drained(socket);
      if (pause > 0) await sleep(pause);
    }
  }

  private open(socket: Socket): boolean {
    return !this.closed && !socket.destroyed && socket.writable;
  }
}

function parseRequest(head: string): FaultRequest {
  const [requestLine = '', ...lines] = head.split('\r\n');
  const target = requestLine.split(' ')[1] ?? '/';
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { path: target.split('?')[0] ?? '/', headers };
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** A response head; with `Connection: close` unless the connection is kept for the next request. */
function header(status: number, headers: Record<string, string | number>, close = true): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  if (close) lines.push('connection: close\r\n');
  return `HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}\r\n${lines.join('')}\r\n`;
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/**
 * The same zip with bytes flipped in the middle of its first entry's data (past the local
 * header), or at `offset` (from the end when negative: a place inside the last entry's data
 * for a zip whose directory is small), so the length and the directory are intact and only
 * the content check can tell.
 */
export function tamperZip(zip: Buffer, offset?: number): Buffer {
  const out = Buffer.from(zip);
  let at = Math.floor(out.length / 2);
  let end = Math.min(at + 4, out.length);
  if (offset !== undefined) {
    at = offset < 0 ? out.length + offset : offset;
    end = Math.min(at + 4, out.length);
  } else if (out.length >= 30 && out.readUInt32LE(0) === 0x04034b50) {
    const size = out.readUInt32LE(18);
    const start = 30 + out.readUInt16LE(26) + out.readUInt16LE(28);
    if (size > 0 && start + size <= out.length) {
      at = start + Math.floor(size / 2);
      end = Math.min(at + 4, start + size);
    }
  }
  for (let i = at; i < end; i++) out[i] = out[i]! ^ 0xff;
  return out;
}
