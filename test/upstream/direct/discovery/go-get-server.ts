import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { refusedPort } from '../../../support/net.js';

/** One page the fixture serves, keyed by the URL discovery means (`https://host/path`). */
export interface GoGetPageSpec {
  status?: number;
  body?: string;
  /** Answer only after this many ms (for timeouts and coalescing). */
  delayMs?: number;
  /** Redirect to another meant URL (`https://other.test/x?go-get=1`). */
  redirectTo?: string;
  /** Decide per request (e.g. by the authorization header); overrides the fields above. */
  handler?: (req: { authorization: string | undefined }) => GoGetPageSpec;
}

export interface SeenRequest {
  /** The URL discovery meant, without query: `https://vanity.test/lib`. */
  url: string;
  query: string;
  authorization: string | undefined;
}

/**
 * A go-get meta server on 127.0.0.1 standing in for many hosts and both schemes: the
 * resolver's `dialOverride` maps `https://host/path?q` to `http://127.0.0.1:port/https/host/path?q`,
 * so tests need no TLS and can see which scheme and host each request meant. Hosts listed in
 * `httpsDown` have their HTTPS mapped to a closed port (connection refused); hosts in
 * `otherOrigin` are served by a second listener (a different origin after mapping).
 *
 * The first listener is also a minimal HTTP proxy (`proxyUrl`, for a client's HTTP_PROXY and
 * HTTPS_PROXY, e.g. the real go command): an absolute-form `GET http://host/path?q` is answered
 * with the page meant as `http://host/path`, and every CONNECT is refused with 403, so only
 * plain-HTTP discovery gets through.
 */
export class GoGetServer {
  readonly pages = new Map<string, GoGetPageSpec>();
  readonly seen: SeenRequest[] = [];
  /** Requests that came as an HTTP proxy's (absolute-form `GET http://host/path`). */
  readonly proxied: SeenRequest[] = [];
  /** CONNECT targets (`host:443`) refused as a proxy. */
  readonly connects: string[] = [];
  readonly httpsDown = new Set<string>();
  /** Hosts served from a second listener, so that they are another origin for HttpClient. */
  readonly otherOrigin = new Set<string>();
  private server: Server | undefined;
  private second: Server | undefined;
  private port = 0;
  private secondPort = 0;
  private closedPort = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  static async start(): Promise<GoGetServer> {
    const s = new GoGetServer();
    // A port nothing listens on for the whole test (not a closed ephemeral port: another
    // test's server may be handed it, and "HTTPS down" would become that server's 404).
    s.closedPort = await refusedPort();
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      const u = new URL(req.url ?? '/', 'http://x');
      const authorization = req.headers.authorization;
      let meant: string;
      if (/^http:\/\//i.test(req.url ?? '')) {
        // Absolute form: a client using this server as its HTTP proxy (HTTP_PROXY).
        meant = `http://${u.host}${u.pathname}`.replace(/\/$/, '');
        s.proxied.push({ url: meant, query: u.search, authorization });
      } else {
        const m = /^\/(https?)\/([^/]+)(\/.*)?$/.exec(u.pathname);
        if (!m) {
          res.writeHead(400).end();
          return;
        }
        meant = `${m[1]}://${m[2]}${m[3] ?? '/'}`.replace(/\/$/, '');
        s.seen.push({ url: meant, query: u.search, authorization });
      }
      let spec: GoGetPageSpec = s.pages.get(meant) ?? { status: 404, body: 'not found' };
      if (spec.handler) spec = spec.handler({ authorization });
      const answer = () => {
        if (spec.redirectTo !== undefined) {
          res.writeHead(302, { location: s.physical(new URL(spec.redirectTo)).href }).end();
          return;
        }
        res.writeHead(spec.status ?? 200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(spec.body ?? '');
      };
      if (spec.delayMs) {
        const t = setTimeout(() => {
          s.timers.delete(t);
          answer();
        }, spec.delayMs);
        s.timers.add(t);
      } else answer();
    };
    s.server = createServer(handler);
    // As an HTTP proxy it refuses every tunnel, so a client's HTTPS attempt fails at once
    // (and, for a GOINSECURE path, the go command falls back to plain HTTP).
    s.server.on('connect', (req: IncomingMessage, socket: Duplex) => {
      s.connects.push(req.url ?? '');
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    s.second = createServer(handler);
    s.port = await listen(s.server);
    s.secondPort = await listen(s.second);
    return s;
  }

  /** This server as an HTTP proxy: `http://127.0.0.1:<port>`. */
  get proxyUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The resolver's dialOverride. */
  readonly dial = (url: URL): URL => this.physical(url);

  private physical(url: URL): URL {
    const scheme = url.protocol.slice(0, -1);
    let port = this.otherOrigin.has(url.hostname) ? this.secondPort : this.port;
    if (scheme === 'https' && this.httpsDown.has(url.hostname)) port = this.closedPort;
    return new URL(`http://127.0.0.1:${port}/${scheme}/${url.host}${url.pathname}${url.search}`);
  }

  /** Serves go-import tags for `meant` (e.g. `https://vanity.test/lib`). */
  meta(meant: string, tags: ReadonlyArray<readonly [string, string, string]>, status = 200): void {
    const head = tags
      .map(([p, v, r]) => `<meta name="go-import" content="${p} ${v} ${r}">`)
      .join('\n');
    this.pages.set(meant, {
      status,
      body: `<!DOCTYPE html>\n<html><head>\n${head}\n</head><body>go get ${meant}</body></html>`,
    });
  }

  /** How many requests meant `url` (scheme://host/path). */
  count(url: string): number {
    return this.seen.filter((r) => r.url === url).length;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const srv of [this.server, this.second]) {
      srv?.closeAllConnections();
      await new Promise<void>((resolve) => srv?.close(() => resolve()));
    }
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
