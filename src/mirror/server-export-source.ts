import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { escapePath, escapeVersion } from '../module/index.js';
import { urlCredentials } from '../protocol/basic-auth.js';
import { tilePath, type Tile } from '../sumdb/tlog/index.js';
import type { ExportSource } from './export-source.js';

/**
 * An ExportSource over plain GOPROXY requests to a running modgate (or any proxy that also
 * serves `/sumdb/<name>/`): `GET <server>/<key>` and `GET <server>/sumdb/<name>/...`.
 * Credentials in the URL are sent as basic authentication and never appear in errors.
 */
export class ServerExportSource implements ExportSource {
  readonly description: string;
  private readonly base: string;
  private readonly headers: Record<string, string> = {};

  constructor(
    server: string,
    private readonly sumdbName: string,
  ) {
    const { url, authorization } = urlCredentials(server);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`--server must be an http(s) URL, not ${url.protocol}`);
    }
    if (authorization !== undefined) this.headers.authorization = authorization;
    this.base = url.href.replace(/\/+$/, '');
    this.description = this.base;
  }

  /** The body of a 200, null for 404/410; throws naming the path otherwise. */
  private async get(path: string): Promise<Buffer | null> {
    const res = await this.request(path);
    if (res === null) return null;
    return Buffer.from(await res.body.arrayBuffer());
  }

  private async request(path: string) {
    let res;
    try {
      res = await request(this.base + path, { method: 'GET', headers: this.headers });
    } catch (err) {
      throw new Error(`GET ${path}: ${(err as Error).message}`);
    }
    if (res.statusCode === 200) return res;
    const text = (await res.body.text().catch(() => '')).split('\n')[0]?.slice(0, 200) ?? '';
    if (res.statusCode === 404 || res.statusCode === 410 || res.statusCode === 403) {
      if (path.startsWith('/sumdb/') || res.statusCode !== 403) return null;
    }
    throw new Error(`GET ${path}: HTTP ${res.statusCode}${text === '' ? '' : `: ${text}`}`);
  }

  getFile(key: string): Promise<Buffer | null> {
    return this.get(`/${key}`);
  }

  async copyZip(key: string, dest: string): Promise<boolean> {
    const res = await this.request(`/${key}`);
    if (res === null) return false;
    await pipeline(res.body, createWriteStream(dest));
    return true;
  }

  async sumdbLatest(): Promise<Buffer> {
    const note = await this.get(`/sumdb/${this.sumdbName}/latest`);
    if (note === null) {
      throw new Error(`${this.base} does not serve checksum database ${this.sumdbName}`);
    }
    return note;
  }

  sumdbLookup(path: string, version: string): Promise<Buffer | null> {
    return this.get(
      `/sumdb/${this.sumdbName}/lookup/${escapePath(path)}@${escapeVersion(version)}`,
    );
  }

  async sumdbTile(tile: Tile): Promise<Buffer | undefined> {
    return (await this.get(`/sumdb/${this.sumdbName}/${tilePath(tile)}`)) ?? undefined;
  }
}
