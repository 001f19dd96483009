import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { unescapePath, unescapeVersion } from '../../src/module/index.js';
import { generateKey, newSigner, sign, type Signer } from '../../src/sumdb/note/index.js';
import {
  formatRecord,
  formatTree,
  parseTilePath,
  readTileData,
  storedHashes,
  treeHash,
  type Hash,
  type HashReader,
  type Tile,
} from '../../src/sumdb/tlog/index.js';

/** One module version's go.sum lines, as a checksum database records them. */
export interface TestSumdbRecord {
  path: string;
  version: string;
  /** `h1:` of the zip. */
  zipHash: string;
  /** `h1:` of the go.mod. */
  modHash: string;
  /** The whole record text instead of the two lines (e.g. a record without a go.mod line). */
  text?: string;
}

export interface TestSumdbOptions {
  /** Key name, default `sumdb.modgate.test`. */
  name?: string;
  /** 32-byte seed for a deterministic key. */
  seed?: Buffer;
  records?: TestSumdbRecord[];
  /** x/mod's (`<id>\n<text>\n` per record, default) or sum.golang.org's (`<text>\n`). */
  dataTileFormat?: 'x/mod' | 'sum.golang.org';
  /** Serve partial tiles only at the tree's current width (default true), as §6.6 says. */
  onlyFringePartials?: boolean;
}

/** One line of the access log. */
export interface TestSumdbRequest {
  path: string;
  userAgent: string;
}

/** A canned answer for one request path. */
export interface TestSumdbOverride {
  status?: number;
  body?: string | Buffer;
}

/** The record text of a module version: its two go.sum lines. */
export function recordText(r: TestSumdbRecord): string {
  if (r.text !== undefined) return r.text;
  return `${r.path} ${r.version} ${r.zipHash}\n${r.path} ${r.version}/go.mod ${r.modHash}\n`;
}

const HEIGHT = 8;
const LOOKUP_RE = /^[^@]+@v[0-9]+\.[0-9]+\.[0-9]+(-[^@]*)?(\+incompatible)?$/;

/**
 * An in-process checksum database for tests (like x/mod sumdb TestServer), with its own key:
 * records module versions in a tlog, signs its tree heads, and serves `/lookup/`, `/tile/`
 * (hash and data tiles, height 8) and `/latest` on 127.0.0.1, logging every request with its
 * User-Agent. Faults: `fork` rebuilds the log from a different history under the same key,
 * `tampered` serves a record text that is not in the tree, `overrides` answer given paths,
 * `transform` rewrites bodies (truncate a tile, spoil a signature).
 */
export class TestSumdb {
  readonly requests: TestSumdbRequest[] = [];
  readonly overrides = new Map<string, TestSumdbOverride>();
  /** `<path>@<version>` → record text served instead of the logged one. */
  readonly tampered = new Map<string, string>();
  transform: ((path: string, body: Buffer) => Buffer) | undefined;
  /** Delay before every answer, in ms. */
  delayMs = 0;
  url = '';
  readonly name: string;
  /** `<name>+<hash>+<keydata>`, for GOSUMDB and newVerifier. */
  readonly verifierKey: string;
  private readonly signer: Signer;
  private readonly dataTileFormat: 'x/mod' | 'sum.golang.org';
  private readonly onlyFringePartials: boolean;
  private texts: Buffer[] = [];
  private ids = new Map<string, number>();
  private hashes: Hash[] = [];
  private readonly hashReader: HashReader = {
    readHashes: (indexes) =>
      indexes.map((i) => {
        const h = this.hashes[i];
        if (h === undefined) throw new Error(`no stored hash ${i}`);
        return h;
      }),
  };
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(opts: TestSumdbOptions) {
    this.name = opts.name ?? 'sumdb.modgate.test';
    const key = generateKey(this.name, opts.seed);
    this.verifierKey = key.verifier;
    this.signer = newSigner(key.signer);
    this.dataTileFormat = opts.dataTileFormat ?? 'x/mod';
    this.onlyFringePartials = opts.onlyFringePartials ?? true;
  }

  static async create(opts: TestSumdbOptions = {}): Promise<TestSumdb> {
    const db = new TestSumdb(opts);
    await db.add(opts.records ?? []);
    await db.start();
    return db;
  }

  /** Number of records in the log. */
  get size(): number {
    return this.texts.length;
  }

  /** Appends records (a module version already logged is skipped). */
  async add(records: readonly TestSumdbRecord[]): Promise<void> {
    for (const r of records) {
      const key = `${r.path}@${r.version}`;
      if (this.ids.has(key)) continue;
      const text = Buffer.from(recordText(r));
      const id = this.texts.length;
      this.hashes.push(...(await storedHashes(id, text, this.hashReader)));
      this.texts.push(text);
      this.ids.set(key, id);
    }
  }

  /**
   * Misbehaves: from now on serves a log that keeps only the first `keep` records and then
   * has `records` — a different history signed with the same key.
   */
  async fork(keep: number, records: readonly TestSumdbRecord[]): Promise<void> {
    const kept = this.texts.slice(0, keep);
    this.texts = [];
    this.ids = new Map();
    this.hashes = [];
    for (const text of kept) {
      const [path = '', version = ''] = text.toString('utf8').split(' ');
      const id = this.texts.length;
      this.hashes.push(...(await storedHashes(id, text, this.hashReader)));
      this.texts.push(text);
      this.ids.set(`${path}@${version}`, id);
    }
    await this.add(records);
  }

  /** The current signed tree head (what `/latest` serves). */
  async signedTree(): Promise<Buffer> {
    const n = this.texts.length;
    const hash = await treeHash(n, this.hashReader);
    return sign({ text: formatTree({ n, hash }) }, [this.signer]);
  }

  /** Request paths containing `needle`. */
  requestsFor(needle: string): string[] {
    return this.requests.map((r) => r.path).filter((p) => p.includes(needle));
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
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.requests.push({ path, userAgent: req.headers['user-agent'] ?? '' });
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    let status = 200;
    let type = 'text/plain; charset=UTF-8';
    let body: Buffer;
    const override = this.overrides.get(path);
    try {
      if (override !== undefined) {
        status = override.status ?? 200;
        body = Buffer.from(override.body ?? '');
      } else if (path === '/latest') {
        body = await this.signedTree();
      } else if (path.startsWith('/lookup/')) {
        [status, body] = await this.lookup(path.slice('/lookup/'.length));
      } else if (path.startsWith('/tile/')) {
        [status, body] = await this.tile(path.slice(1));
        if (status === 200 && !path.includes('/data/')) type = 'application/octet-stream';
      } else {
        [status, body] = [404, Buffer.from('not found\n')];
      }
    } catch (err) {
      [status, body] = [500, Buffer.from(`${String(err)}\n`)];
    }
    if (status === 200 && this.transform) body = this.transform(path, body);
    res.statusCode = status;
    res.setHeader('content-type', status === 200 ? type : 'text/plain; charset=UTF-8');
    res.setHeader('content-length', body.length);
    res.end(body);
  }

  private async lookup(mod: string): Promise<[number, Buffer]> {
    if (!LOOKUP_RE.test(mod)) return [400, Buffer.from('invalid module@version syntax\n')];
    const at = mod.indexOf('@');
    let key: string;
    try {
      key = `${unescapePath(mod.slice(0, at))}@${unescapeVersion(mod.slice(at + 1))}`;
    } catch (err) {
      return [400, Buffer.from(`${String(err)}\n`)];
    }
    const id = this.ids.get(key);
    if (id === undefined) return [404, Buffer.from(`not found: ${key}\n`)];
    const text = this.tampered.get(key) ?? this.texts[id]!;
    return [200, Buffer.concat([formatRecord(id, text), await this.signedTree()])];
  }

  private async tile(path: string): Promise<[number, Buffer]> {
    let tile: Tile;
    try {
      tile = parseTilePath(path);
    } catch {
      return [400, Buffer.from('invalid tile syntax\n')];
    }
    if (tile.h !== HEIGHT) return [404, Buffer.from('only tiles of height 8\n')];
    const n = this.texts.length;
    const level = Math.max(tile.l, 0) * tile.h;
    const count = Math.floor(n / 2 ** level); // hashes at that level
    const start = tile.n * 2 ** tile.h;
    const fringe = Math.min(2 ** tile.h, count - start);
    if (start + tile.w > count) return [404, Buffer.from('tile beyond the tree\n')];
    if (tile.w < 2 ** tile.h && this.onlyFringePartials && tile.w !== fringe) {
      return [404, Buffer.from('partial tile no longer served\n')];
    }
    if (tile.l >= 0) return [200, await readTileData(tile, this.hashReader)];
    const parts = this.texts
      .slice(start, start + tile.w)
      .map((text, i) =>
        this.dataTileFormat === 'x/mod'
          ? formatRecord(start + i, text)
          : Buffer.concat([text, Buffer.from('\n')]),
      );
    return [200, Buffer.concat(parts)];
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
