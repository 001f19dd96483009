import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface HttpGitServerOptions {
  /** Repositories root (GIT_PROJECT_ROOT). */
  root: string;
  env: NodeJS.ProcessEnv;
  /** Required Basic credentials; anything else gets 401. */
  auth?: { username: string; password: string };
  /** Requests for which the server never answers (to test timeouts). */
  hang?: (req: IncomingMessage, body: Buffer) => boolean;
}

/**
 * Smart HTTP git on 127.0.0.1: `git http-backend` behind a minimal CGI bridge on node:http,
 * with optional Basic authentication and a way to make chosen requests hang.
 */
export class HttpGitServer {
  /** Sockets of requests left hanging, and whether each has closed since. */
  readonly hung: Array<{ socket: Socket; closed: boolean }> = [];
  /** Authorization headers seen (to check what git sent). */
  readonly authorizations: string[] = [];

  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  static async start(options: HttpGitServerOptions): Promise<HttpGitServer> {
    const holder: { self?: HttpGitServer } = {};
    const server = createServer((req, res) => {
      void handle(holder.self, options, req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    holder.self = new HttpGitServer(server, port);
    return holder.self;
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.port}/${name}`;
  }

  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }
}

async function handle(
  self: HttpGitServer | undefined,
  options: HttpGitServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  self?.authorizations.push(req.headers.authorization ?? '');
  if (options.auth) {
    const want = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
    if (req.headers.authorization !== want) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
      res.end('unauthorized\n');
      return;
    }
  }
  if (options.hang?.(req, body) === true) {
    const entry = { socket: req.socket, closed: false };
    req.socket.once('close', () => (entry.closed = true));
    self?.hung.push(entry);
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    GIT_PROJECT_ROOT: options.root,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    CONTENT_LENGTH: String(body.length),
    REMOTE_ADDR: '127.0.0.1',
  };
  if (options.auth) env.REMOTE_USER = options.auth.username;
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') env[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = value;
  }
  const out = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    const parts: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => parts.push(d));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(parts)));
    // http-backend may exit before reading the whole request body (e.g. after refusing it):
    // the resulting EPIPE is expected, not a test failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(body);
  });
  let split = out.indexOf('\r\n\r\n');
  let sepLen = 4;
  if (split < 0) {
    split = out.indexOf('\n\n');
    sepLen = 2;
  }
  const head = out.subarray(0, Math.max(split, 0)).toString('latin1');
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  res.writeHead(status, headers);
  res.end(split < 0 ? out : out.subarray(split + sepLen));
}
