import { STATUS_CODES } from 'node:http';
import { ModgateError } from '../../errors/index.js';
import { urlCredentials } from '../../protocol/basic-auth.js';
import { HttpClient, readBodyCapped } from '../../upstream/http-client.js';
import type { SumdbTransport } from './sumdb-transport.js';

export interface HttpSumdbTransportOptions {
  /** Deadline for one request, body included (redirects too). */
  timeoutMs: number;
  /** Largest answer accepted (a lookup or tile is a few KiB; a data tile some 100 KiB). */
  maxBytes: number;
}

export const DEFAULT_SUMDB_HTTP_OPTIONS: HttpSumdbTransportOptions = {
  timeoutMs: 30_000,
  maxBytes: 4 << 20,
};

/** How much of an error body goes into the message (the go command shows it too). */
const ERROR_BODY_QUOTE = 200;

/**
 * SumdbTransport over HTTP(S) with the shared pooled HttpClient: `<base URL><path>`.
 * Credentials in the base URL (`https://user:pass@host/...`) are sent as Basic auth and never
 * appear in messages, which read like the go command's: `reading <url>: 404 Not Found`.
 */
export class HttpSumdbTransport implements SumdbTransport {
  private readonly base: URL;
  private readonly headers: Record<string, string> = {};

  constructor(
    baseUrl: URL | string,
    private readonly client: HttpClient,
    private readonly options: HttpSumdbTransportOptions = DEFAULT_SUMDB_HTTP_OPTIONS,
  ) {
    const { url, authorization } = urlCredentials(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ModgateError(
        'invalid',
        `checksum database URL: ${url.protocol}// is not supported`,
      );
    }
    if (authorization !== undefined) this.headers.authorization = authorization;
    url.pathname = url.pathname.replace(/\/+$/, '');
    url.search = '';
    url.hash = '';
    this.base = url;
  }

  /** The base URL, without credentials. */
  get description(): string {
    return this.base.href.replace(/\/$/, '');
  }

  async get(path: string): Promise<Buffer> {
    if (!path.startsWith('/')) {
      throw new ModgateError('internal', `sumdb transport: path ${JSON.stringify(path)}`);
    }
    const url = new URL(this.base.href);
    url.pathname = this.base.pathname.replace(/\/$/, '') + path;
    const label = `reading ${url.href}`;
    const res = await this.client.get(url, {
      label,
      headers: this.headers,
      timeoutMs: this.options.timeoutMs,
      maxBytes: this.options.maxBytes,
    });
    if (res.status === 200) return readBodyCapped(res.body, this.options.maxBytes, label);
    const body = await readBodyCapped(res.body, 4096, label).catch(() => Buffer.alloc(0));
    // Relayed to clients and logs: an error page may echo the request's credentials.
    const text = res.redactor.excerpt(body, ERROR_BODY_QUOTE);
    const quoted = text === '' ? '' : `: ${text}`;
    const message = `${label}: ${res.status} ${STATUS_CODES[res.status] ?? ''}${quoted}`;
    if (res.status === 404) throw new ModgateError('not-found', message);
    if (res.status === 410) throw new ModgateError('gone', message);
    throw new ModgateError('upstream', message);
  }
}
