import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtemp, mkdir, rm, writeFile, readFile, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yazl from 'yazl';

/** One module version in a fixture upstream. */
export interface FixtureModule {
  path: string;
  version: string;
  /** Files of the module, relative to its root. A go.mod is added when missing. */
  files?: Record<string, string | Buffer>;
  /** Commit time for the .info (RFC 3339). */
  time?: string;
}

/** A response override for one request path (exact match after the leading slash). */
export interface FixtureOverride {
  status?: number;
  body?: string | Buffer;
  contentType?: string;
  /** Delay before answering, in ms. */
  delayMs?: number;
}

/**
 * A static GOPROXY upstream for tests: builds a real GOPROXY tree on disk from module
 * definitions (zips made with yazl here, independently of modgate's own zip code) and serves
 * it on 127.0.0.1, recording every request path. Faults are injected per path, or for the
 * whole server (`setDown`: every request gets its connection destroyed).
 */
export class FixtureProxy {
  readonly requests: string[] = [];
  readonly overrides = new Map<string, FixtureOverride>();
  /** Extra delay before streaming zips, in ms (to make concurrent misses overlap). */
  zipDelayMs = 0;
  private down = false;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  url = '';

  private constructor(readonly root: string) {}

  static async create(modules: FixtureModule[]): Promise<FixtureProxy> {
    const root = await mkdtemp(join(tmpdir(), 'modgate-fixture-'));
    const proxy = new FixtureProxy(root);
    await proxy.add(modules);
    await proxy.start();
    return proxy;
  }

  /** Adds module versions (rewriting lists and @latest). */
  async add(modules: FixtureModule[]): Promise<void> {
    const byPath = new Map<string, FixtureModule[]>();
    for (const m of modules) byPath.set(m.path, [...(byPath.get(m.path) ?? []), m]);
    for (const [path, versions] of byPath) {
      const dir = join(this.root, escapePath(path), '@v');
      await mkdir(dir, { recursive: true });
      for (const m of versions) {
        const files = { ...(m.files ?? {}) };
        files['go.mod'] ??= `module ${m.path}\n`;
        const time = m.time ?? '2024-01-02T03:04:05Z';
        const ev = escapePath(m.version);
        await writeFile(
          join(dir, `${ev}.info`),
          JSON.stringify({ Version: m.version, Time: time }),
        );
        await writeFile(join(dir, `${ev}.mod`), files['go.mod']);
        await writeFile(join(dir, `${ev}.zip`), await makeZip(m.path, m.version, files));
      }
      const listFile = join(dir, 'list');
      const old = await readFile(listFile, 'utf8').catch(() => '');
      const all = new Set([...old.split('\n').filter(Boolean), ...versions.map((v) => v.version)]);
      await writeFile(listFile, [...all].map((v) => v + '\n').join(''));
      const newest = versions[versions.length - 1];
      if (newest) {
        await writeFile(
          join(this.root, escapePath(path), '@latest'),
          JSON.stringify({ Version: newest.version, Time: newest.time ?? '2024-01-02T03:04:05Z' }),
        );
      }
    }
  }

  /** Writes a raw file into the tree (for malformed content). */
  async writeRaw(relPath: string, data: string | Buffer): Promise<void> {
    await mkdir(dirname(join(this.root, relPath)), { recursive: true });
    await writeFile(join(this.root, relPath), data);
  }

  /** Requests whose path contains `needle`. */
  requestsFor(needle: string): string[] {
    return this.requests.filter((r) => r.includes(needle));
  }

  setDown(down: boolean): void {
    this.down = down;
  }

  private async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    this.requests.push(rawPath);
    if (this.down) {
      req.socket.destroy();
      return;
    }
    if (rawPath.startsWith('//')) {
      // A real proxy would not find `//example.com/...`: answer as it would, so a client that
      // builds URLs with a doubled slash fails here instead of passing unnoticed.
      res.statusCode = 404;
      res.end(`not found: ${rawPath} (doubled slash)\n`);
      return;
    }
    const rel = decodeURIComponent(rawPath).slice(1);
    const override = this.overrides.get(rel);
    if (override) {
      if (override.delayMs) await sleep(override.delayMs);
      if (override.body !== undefined || override.status !== undefined) {
        res.statusCode = override.status ?? 200;
        res.setHeader('content-type', override.contentType ?? 'text/plain; charset=utf-8');
        res.end(override.body ?? '');
        return;
      }
    }
    if (rel.includes('..')) {
      res.statusCode = 400;
      res.end('bad path');
      return;
    }
    const file = join(this.root, rel);
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) {
      res.statusCode = 404;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(`not found: ${rel}\n`);
      return;
    }
    if (rel.endsWith('.zip') && this.zipDelayMs > 0) await sleep(this.zipDelayMs);
    res.statusCode = 200;
    res.setHeader('content-length', st.size);
    res.setHeader(
      'content-type',
      rel.endsWith('.zip') ? 'application/zip' : 'text/plain; charset=utf-8',
    );
    createReadStream(file).pipe(res);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    await rm(this.root, { recursive: true, force: true });
  }
}

/** `!`-escaping of upper-case letters (the fixture's own, independent of modgate's). */
export function escapePath(p: string): string {
  return p.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase());
}

/**
 * A module zip as the go command builds it: file entries only, under path@version/. With
 * `compress: false` the entries are stored, not deflated: fast to build however big.
 */
export function makeZip(
  path: string,
  version: string,
  files: Record<string, string | Buffer>,
  opts: { compress?: boolean } = {},
): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) {
    // As in cmd/go's test archives, a name starting with `/` is used verbatim (minus the
    // slash): a way to build zips with entries outside the module's prefix.
    const entry = name.startsWith('/') ? name.slice(1) : `${path}@${version}/${name}`;
    zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), entry, {
      mtime: new Date(1980, 0, 1),
      compress: opts.compress ?? true,
    });
  }
  zip.end();
  return streamToBuffer(zip.outputStream);
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
