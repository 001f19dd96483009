import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/index.js';
import { ProxyServer, type ProxyServerOptions } from '../../src/http/proxy-server.js';
import { ModuleService } from '../../src/service/module-service.js';
import { MemoryStorage } from '../../src/storage/index.js';
import type { FetchContext, RevInfo, Upstream, ZipSource } from '../../src/upstream/upstream.js';
import { makeZip } from '../support/fixture-proxy.js';
import { publicPolicy } from '../support/public-policy.js';

/** Every module path the upstream knows has v1.0.0 and v1.1.0; others are not found. */
class TwoVersions implements Upstream {
  readonly description = 'two versions';
  constructor(private readonly zipBytes: Buffer) {}
  list(): Promise<string[]> {
    return Promise.resolve(['v1.0.0', 'v1.1.0']);
  }
  info(_path: string, query: string, _ctx?: FetchContext): Promise<RevInfo> {
    const raw = Buffer.from(JSON.stringify({ Version: query, Time: '2024-01-02T03:04:05Z' }));
    return Promise.resolve({ version: query, raw });
  }
  latest(path: string, ctx: FetchContext): Promise<RevInfo> {
    return this.info(path, 'v1.1.0', ctx);
  }
  /** .mod requests for a path containing `/slow` so far (each answered after 300 ms). */
  slowStarted = 0;
  async mod(path: string): Promise<Buffer> {
    if (path.includes('/slow')) {
      this.slowStarted++;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    return Buffer.from(`module ${path}\n`);
  }
  zip(): Promise<ZipSource> {
    return Promise.resolve({ stream: Readable.from([this.zipBytes]), size: this.zipBytes.length });
  }
}

export interface TestServer {
  server: ProxyServer;
  port: number;
  /** The fast path is on. */
  fast: boolean;
  /** Upstream .mod fetches of `/slow` paths begun (each takes 300 ms). */
  slowStarted(): number;
  /** Requests that reached node:http (the fast path's answers never do). */
  nodeRequests(): number;
  /** Access-log lines so far. */
  lines(): Record<string, unknown>[];
  stop(): Promise<void>;
}

/** A ProxyServer on 127.0.0.1 with modules from an in-memory upstream; the access log on. */
export async function startServer(
  opts: Partial<Omit<ProxyServerOptions, 'service' | 'logger'>> = {},
): Promise<TestServer> {
  const spoolDir = await mkdtemp(join(tmpdir(), 'modgate-fast-'));
  // 64 KiB stored (not compressed): big enough that a client not reading fills buffers.
  const zipBytes = await makeZip(
    'example.com/m',
    'v1.0.0',
    { 'go.mod': 'module example.com/m\n', 'data.txt': 'x'.repeat(64 * 1024) },
    { compress: false },
  );
  const upstream = new TwoVersions(zipBytes);
  const service = new ModuleService({
    storage: new MemoryStorage(),
    upstreams: { chain: upstream },
    policy: publicPolicy,
    stash: { spoolDir },
    cache: { listTtlMs: 60_000, notFoundTtlMs: 0 },
  });
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  const server = new ProxyServer({
    ...loadConfig().server,
    accessLog: true,
    shutdownGraceMs: 2000,
    ...opts,
    service,
    logger: pino({ level: 'info' }, sink),
  });
  let count = 0;
  server.server.on('request', () => count++);
  const url = await server.listen('127.0.0.1', 0);
  return {
    server,
    port: Number(new URL(url).port),
    fast: opts.fastPath !== false,
    nodeRequests: () => count,
    slowStarted: () => upstream.slowStarted,
    lines: () =>
      text
        .split('\n')
        .filter((l) => l.includes('"msg":"request"'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop() {
      await server.stop();
      service.close();
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
}

/** One parsed response off the wire. */
export interface RawResponse {
  status: number;
  /** The status line and header lines as sent. */
  head: string[];
  body: Buffer;
}

/** A client connection that collects every byte the server sends. */
export class RawClient {
  readonly socket: Socket;
  private received = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (c: Buffer) => {
      this.received = Buffer.concat([this.received, c]);
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
    });
  }

  /** Writes bytes (a string is latin1). */
  send(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /**
   * The next `heads.length` responses (true: the answer to a HEAD, no body); a response
   * without Content-Length ends at the close. Bounded: fails after `limitMs`.
   */
  async responses(heads: boolean[], limitMs = 20_000): Promise<RawResponse[]> {
    const out: RawResponse[] = [];
    for (const head of heads) {
      for (;;) {
        const r = this.take(head);
        if (r !== undefined) {
          out.push(r);
          break;
        }
        if (this.closed) {
          throw new Error(`connection closed after ${out.length} of ${heads.length} responses`);
        }
        if (await this.wait(limitMs)) {
          throw new Error(`only ${out.length} of ${heads.length} responses in time`);
        }
      }
    }
    return out;
  }

  /** Waits (bounded) until the server has closed the connection. */
  async waitClosed(limitMs = 20_000): Promise<void> {
    while (!this.closed) {
      if (await this.wait(limitMs)) throw new Error('the server did not close the connection');
    }
  }

  close(): void {
    this.socket.destroy();
  }

  /** Every byte received and not taken as a response yet, as latin1 text. */
  text(): string {
    return this.received.toString('latin1');
  }

  private take(head: boolean): RawResponse | undefined {
    const buf = this.received;
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
    const cl = lines.find((l) => /^content-length:/i.test(l));
    let size: number;
    if (head) size = 0;
    else if (cl !== undefined) size = Number(cl.slice(cl.indexOf(':') + 1).trim());
    else if (this.closed) size = buf.length - end - 4;
    else return undefined;
    if (buf.length < end + 4 + size) return undefined;
    this.received = buf.subarray(end + 4 + size);
    return {
      status: Number(lines[0]?.split(' ')[1]),
      head: lines,
      body: buf.subarray(end + 4, end + 4 + size),
    };
  }

  private wait(limitMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(true), limitMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * A response with the per-request parts (Date, X-Request-Id) blanked, as one string; and a
 * zip's validators (ETag, Last-Modified), which come from when each server stored it.
 */
export function comparable(r: RawResponse): string {
  return [
    ...r.head.map((l) =>
      shortMaxAgeAside(l.replace(/^(date|x-request-id|etag|last-modified): .*/i, '$1: *')),
    ),
    r.body.toString('latin1'),
  ].join('\n');
}

/**
 * A list's or @latest's `max-age` is what is left of its freshness, which depends on when each
 * server fetched it (two servers warmed one after the other on a loaded machine differ by a
 * second or more); immutable files' long max-age stays compared.
 */
export function shortMaxAgeAside(text: string): string {
  return text.replace(/^(cache-control: public, max-age=)[0-9]{1,4}(\r?)$/gim, '$1<short>$2');
}

/** A GET/HEAD request head with Host, as a simple client sends it. */
export function request(path: string, method = 'GET', extra: string[] = []): string {
  return [`${method} ${path} HTTP/1.1`, 'Host: x', ...extra, '', ''].join('\r\n');
}

/**
 * Asks for each of `paths` until it is a cached hit answered without node:http (for a server
 * with the fast path; without, until it is a hit): a file fetched now is stored behind its
 * answer, so the first asks after a miss may still take the slower way. Bounded: 500 tries.
 */
export async function warm(server: TestServer, paths: string[]): Promise<void> {
  for (const p of paths) {
    for (let tries = 0; ; tries++) {
      if (tries === 500) throw new Error(`${p} is not a fast cached hit`);
      const before = server.nodeRequests();
      const c = await RawClient.open(server.port);
      try {
        c.send(request(p));
        const [r] = await c.responses([false]);
        const hit = r?.head.includes('x-modgate-cache: hit') === true;
        if (hit && (!server.fast || server.nodeRequests() === before)) break;
      } finally {
        c.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
