import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ProxyServer, type ProxyServerOptions } from '../../src/http/proxy-server.js';
import { loadConfig } from '../../src/config/index.js';
import { ModuleService } from '../../src/service/module-service.js';
import { MemoryStorage, type Storage } from '../../src/storage/index.js';
import { OffUpstream } from '../../src/upstream/chain-upstream.js';
import { publicPolicy } from '../support/public-policy.js';

export interface BareServer {
  server: ProxyServer;
  url: string;
  port: number;
  /** Every log line so far (JSON objects), from level `info` up. */
  lines(): Record<string, unknown>[];
  stop(): Promise<void>;
}

/**
 * A ProxyServer on 127.0.0.1 in front of a module service whose upstream is "off" (only what
 * the given storage holds is served), its log lines captured: for tests of the HTTP front
 * itself (connections, timeouts, access lines, /readyz).
 */
export async function startBareServer(
  opts: Partial<Omit<ProxyServerOptions, 'service' | 'logger'>> & { storage?: Storage } = {},
): Promise<BareServer> {
  const { storage = new MemoryStorage(), ...serverOpts } = opts;
  const spoolDir = await mkdtemp(join(tmpdir(), 'modgate-spool-'));
  const service = new ModuleService({
    storage,
    upstreams: { chain: new OffUpstream() },
    policy: publicPolicy,
    stash: { spoolDir },
    cache: { listTtlMs: 60_000, notFoundTtlMs: 0 },
  });
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  const server = new ProxyServer({
    ...loadConfig().server,
    accessLog: true,
    shutdownGraceMs: 1000,
    ...serverOpts,
    service,
    logger: pino({ level: 'info' }, stream),
  });
  const url = await server.listen('127.0.0.1', 0);
  return {
    server,
    url,
    port: Number(new URL(url).port),
    lines: () =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop() {
      await server.stop();
      service.close();
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
}

/** A TCP connection to the server that sends nothing (yet), from `localAddress` if given. */
export function openSocket(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined); // a reset by the server ends in 'close'
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** What arrived on a socket until it closed; rejects if it is still open after `boundMs`. */
export function closedWithin(socket: Socket, boundMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    if (socket.destroyed) {
      resolve(received);
      return;
    }
    const timer = setTimeout(
      () => reject(new Error(`connection still open after ${boundMs} ms`)),
      boundMs,
    );
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** GET on a fresh connection from `localAddress`; resolves with the status. */
export function getStatus(url: string, path: string, localAddress?: string): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls `check` every 10 ms until it holds (at most `boundMs`). */
export async function until(check: () => boolean, boundMs = 5000): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited >= boundMs) throw new Error(`condition not met within ${boundMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
