/**
 * What the network-layer doctor tests build for real on 127.0.0.1: a DoctorContext for one
 * situation (no go run needed — the go facts are given), certificates made with the openssl CLI
 * (EC keys: fast), a TLS front for a fixture GOPROXY, a server that accepts and never answers,
 * and a tiny outbound HTTP proxy whose CONNECT answer the test picks.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import {
  createServer as createTcpServer,
  connect,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import type { Check } from '../../src/doctor/check.js';
import type { DoctorContext, FetchedModule } from '../../src/doctor/doctor-context.js';
import type { Finding } from '../../src/doctor/finding.js';
import { doctorMessages } from '../../src/doctor/doctor-messages.js';

export interface ContextOptions {
  goproxy?: string;
  gosumdb?: string;
  fetched?: FetchedModule[];
  env?: Record<string, string>;
  probeTimeoutMs?: number;
  /** The language of the findings (default en). */
  locale?: 'en' | 'zh-CN';
}

const NO_HOME = join(tmpdir(), 'modgate-doctor-test-no-home');

/** A context for one situation: go env values given, the process environment only what the test sets. */
export function networkContext(opts: ContextOptions): DoctorContext {
  const goEnv: Record<string, string> = {
    GOPROXY: opts.goproxy ?? 'off',
    GOSUMDB: opts.gosumdb ?? 'off',
    GOPRIVATE: '',
    GONOPROXY: '',
    GONOSUMDB: '',
  };
  const fetched = opts.fetched ?? [];
  return {
    dir: tmpdir(),
    // A home that does not exist: no .netrc or other user settings unless the test sets HOME.
    env: { PATH: process.env.PATH, HOME: NO_HOME, ...opts.env },
    home: opts.env?.HOME ?? NO_HOME,
    go: { binary: '/usr/bin/go', version: 'go1.19', env: goEnv, sources: {} },
    module: {
      root: tmpdir(),
      modFiles: [],
      mainModules: ['example.com/main'],
      requirements: [],
      replacements: [],
      sumLines: new Set(),
      fetched,
    },
    server: undefined,
    offline: false,
    probeTimeoutMs: opts.probeTimeoutMs ?? 5000,
    signal: new AbortController().signal,
    locale: opts.locale ?? 'en',
    t: doctorMessages(opts.locale ?? 'en'),
  };
}

/** The findings of `check` about `subject` (all of them when subject is undefined). */
export async function runCheck(
  check: Check,
  ctx: DoctorContext,
  subject?: string,
): Promise<Finding[]> {
  const all = await check.run(ctx);
  return subject === undefined ? all : all.filter((f) => f.subject === subject);
}

/** The one finding of `check` about `subject`; throws when there is not exactly one. */
export async function oneFinding(
  check: Check,
  ctx: DoctorContext,
  subject: string,
): Promise<Finding> {
  const found = await runCheck(check, ctx, subject);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${check.id} finding for ${subject}, got ${JSON.stringify(await check.run(ctx), null, 2)}`,
    );
  }
  return found[0]!;
}

/** A name that resolves nowhere (RFC 6761 .test): reachable only through the test's outbound proxy. */
export const PROXIED_HOST = 'goproxy.example.test';

export interface CertSet {
  dir: string;
  /** The test CA (PEM file path). */
  caFile: string;
  /** name → { cert, key } PEM contents. */
  leaf(name: 'good' | 'self-signed' | 'expired' | 'wrong-name' | 'proxied'): {
    cert: string;
    key: string;
  };
}

/** Certificates for 127.0.0.1/localhost signed by a fresh CA, plus the broken variants. */
export function makeCerts(): CertSet {
  const dir = mkdtempSync(join(tmpdir(), 'modgate-doctor-certs-'));
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const key = (name: string): void =>
    ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
  key('ca');
  ssl(
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=modgate doctor test CA/O=Test Corp',
    '-days',
    '2',
    '-out',
    'ca.pem',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  const signed = (name: string, san: string, days: string): void => {
    key(name);
    ssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      days,
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  };
  signed('good', 'IP:127.0.0.1,DNS:localhost', '30');
  signed('expired', 'IP:127.0.0.1,DNS:localhost', '-1');
  signed('wrong-name', 'DNS:other.example.com', '30');
  signed('proxied', `DNS:${PROXIED_HOST}`, '30');
  key('self-signed');
  ssl(
    'req',
    '-x509',
    '-new',
    '-key',
    'self-signed.key',
    '-subj',
    '/CN=self-signed',
    '-days',
    '30',
    '-out',
    'self-signed.pem',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  );
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    leaf: (name) => ({
      cert: readFileSync(join(dir, `${name}.pem`), 'utf8'),
      key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    }),
  };
}

/** A listening server with its port and a close that also ends open connections. */
export interface Listening {
  port: number;
  close(): Promise<void>;
}

function track(server: Server): Listening & { ready: Promise<void> } {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const result = {
    port: 0,
    ready: new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', () => {
        result.port = (server.address() as AddressInfo).port;
        resolve();
      });
    }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return result;
}

/** TLS in front of a plain TCP backend on 127.0.0.1 (a fixture GOPROXY), with the given certificate. */
export async function tlsFront(
  pem: { cert: string; key: string },
  backendPort: number,
): Promise<Listening> {
  const server = createTlsServer({ cert: pem.cert, key: pem.key }, (clear) => {
    const back = connect(backendPort, '127.0.0.1');
    clear.pipe(back).pipe(clear);
    back.on('error', () => clear.destroy());
    clear.on('error', () => back.destroy());
  });
  server.on('tlsClientError', () => {});
  const t = track(server);
  await t.ready;
  return t;
}

/** Accepts TCP connections and never sends a byte. */
export async function silentServer(): Promise<Listening> {
  const t = track(createTcpServer(() => {}));
  await t.ready;
  return t;
}

/**
 * An outbound HTTP proxy: answers CONNECT with `status` (200 opens a tunnel to 127.0.0.1 on
 * `tunnelPort`, whatever host was asked; a plain-http `GET http://host/path` is forwarded there
 * as `GET /path`), and records the CONNECT targets (or request lines) and Proxy-Authorization headers.
 */
export async function connectProxy(
  status: number,
  tunnelPort?: number,
): Promise<Listening & { connects: string[]; authorizations: (string | undefined)[] }> {
  const connects: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const server = createTcpServer((client) => {
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      connects.push(/^CONNECT (\S+)/.exec(head)?.[1] ?? head.split('\r\n')[0]!);
      authorizations.push(/\r\nProxy-Authorization: ([^\r]*)/i.exec(head)?.[1]);
      if (status !== 200 || tunnelPort === undefined) {
        client.end(
          `HTTP/1.1 ${status} ${status === 407 ? 'Proxy Authentication Required' : 'Forbidden'}\r\nContent-Length: 0\r\n\r\n`,
        );
        return;
      }
      const plain = /^([A-Z]+) http:\/\/[^/\s]+(\S*)/.exec(head);
      const back = connect(tunnelPort, '127.0.0.1', () => {
        if (plain !== null) {
          // A plain-http request for an absolute URL: forwarded with the path only.
          back.write(
            Buffer.from(
              `${plain[1]} ${plain[2] || '/'}` + head.slice(head.indexOf('\r\n')),
              'latin1',
            ),
          );
        } else {
          client.write('HTTP/1.1 200 Connection established\r\n\r\n');
          const rest = head.slice(end + 4);
          if (rest !== '') back.write(Buffer.from(rest, 'latin1'));
        }
        client.pipe(back).pipe(client);
      });
      back.on('error', () => client.destroy());
    };
    client.on('data', onData);
    client.on('error', () => {});
  });
  const t = track(server);
  await t.ready;
  return Object.assign(t, { connects, authorizations });
}
