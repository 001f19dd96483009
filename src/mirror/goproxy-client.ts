/**
 * Plain GOPROXY requests (https://go.dev/ref/mod#goproxy-protocol) to any module proxy, as
 * the go command makes them: `GET $base/<escaped path>/@v/<escaped version>.<ext>`.
 *
 * Credentials in the base URL (`https://user:token@host/`) are sent as basic authentication
 * and never appear in errors: failures name only the request path.
 */
import { request } from 'undici';
import { escapePath, escapeVersion } from '../module/index.js';
import type { ModuleVersion } from './main-module.js';
import { serverEndpoint } from './server-endpoint.js';

export type GoproxyFile = 'info' | 'mod' | 'zip';

export class GoproxyClient {
  private readonly base: string;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(server: string) {
    const endpoint = serverEndpoint(server, '--server');
    this.base = endpoint.base;
    this.headers = endpoint.headers;
  }

  /** The request path of a module file, e.g. `/github.com/!foo/bar/@v/v1.0.0.zip`. */
  static filePath(m: ModuleVersion, ext: GoproxyFile): string {
    return `/${escapePath(m.path)}/@v/${escapeVersion(m.version)}.${ext}`;
  }

  /**
   * Fetches one file. `.mod` and `.info` bodies are returned; a `.zip` body is read to the
   * end (so the server stores it whole) and dropped. Throws an Error naming the request path
   * and the status or network failure.
   */
  async get(m: ModuleVersion, ext: GoproxyFile): Promise<Buffer> {
    return (await this.fetch(m, ext)).body;
  }

  /**
   * Like `get`, also telling whether the server had the file already: a modgate says so with
   * `X-Modgate-Cache: hit` (answered from memory or storage); other servers never do.
   */
  async fetch(m: ModuleVersion, ext: GoproxyFile): Promise<{ body: Buffer; present: boolean }> {
    const path = GoproxyClient.filePath(m, ext);
    let res;
    try {
      res = await request(this.base + path, { method: 'GET', headers: this.headers });
    } catch (err) {
      throw new Error(`GET ${path}: ${(err as Error).message}`);
    }
    if (res.statusCode !== 200) {
      const text = (await res.body.text().catch(() => '')).split('\n')[0]?.slice(0, 200) ?? '';
      throw new Error(`GET ${path}: HTTP ${res.statusCode}${text === '' ? '' : `: ${text}`}`);
    }
    const present = res.headers['x-modgate-cache'] === 'hit';
    if (ext === 'zip') {
      for await (const chunk of res.body) void chunk;
      return { body: Buffer.alloc(0), present };
    }
    return { body: Buffer.from(await res.body.arrayBuffer()), present };
  }
}
