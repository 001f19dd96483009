import { request } from 'undici';
import { formatGoTimestamp, parseIndexLine, type IndexFeedEntry } from '../protocol/index-feed.js';
import { serverEndpoint } from './server-endpoint.js';

/**
 * Reads a modgate's index feed (`GET <server>/index?since=&limit=`, protocol/index-feed.ts).
 * Credentials in the URL are sent as basic authentication and never appear in errors.
 */
export class IndexFeedClient {
  private readonly base: string;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(server: string) {
    const endpoint = serverEndpoint(server, '--from');
    this.base = endpoint.base;
    this.headers = endpoint.headers;
  }

  /** The server's base URL without credentials (for reports and the cursor's key). */
  get description(): string {
    return this.base;
  }

  /** One page: the versions stored at or after `sinceNs`, at most `limit`, in order. */
  async page(sinceNs: bigint, limit: number): Promise<IndexFeedEntry[]> {
    const path = `/index?since=${encodeURIComponent(formatGoTimestamp(sinceNs))}&limit=${limit}`;
    let res;
    try {
      res = await request(this.base + path, { method: 'GET', headers: this.headers });
    } catch (err) {
      throw new Error(`GET ${path}: ${(err as Error).message}`);
    }
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      const first = text.split('\n')[0]?.slice(0, 200) ?? '';
      throw new Error(`GET ${path}: HTTP ${res.statusCode}${first === '' ? '' : `: ${first}`}`);
    }
    const out: IndexFeedEntry[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const e = parseIndexLine(line);
      if (e === undefined)
        throw new Error(`GET ${path}: not an index feed line: ${line.slice(0, 200)}`);
      out.push(e);
    }
    return out;
  }
}
