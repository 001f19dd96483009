import { ModgateError } from '../errors/index.js';
import { escapePath, escapeVersion } from '../module/index.js';
import { goPathEscapeAll, goPathEscape } from '../protocol/go-path-escape.js';
import { isCanonicalFor } from '../protocol/proxy-request.js';
import { bodyError } from './dispatch-get.js';
import { HttpClient, readBodyCapped, type HttpResponse } from './http-client.js';
import { urlCredentials } from '../protocol/basic-auth.js';
import { parseInfoJson } from '../protocol/info-json.js';
import { parseVersionList } from '../protocol/version-list.js';
import { checkProxyGoMod } from './check-proxy-go-mod.js';
import type { FetchContext, RevInfo, Upstream, ZipSource } from './upstream.js';
import { ByteLimit } from '../zip/index.js';

export interface ProxyUpstreamLimits {
  metadataTimeoutMs: number;
  zipTimeoutMs: number;
  maxZipBytes: number;
  maxModBytes: number;
  /** Cap for list, .info and @latest bodies; MAX_METADATA_BYTES by default. */
  maxMetadataBytes?: number;
}

/**
 * 4 MiB: the default cap on an upstream's list, .info and @latest bodies. The go command sets
 * none; real answers are a few KiB (the longest lists some hundred KiB), so this only stops
 * an upstream that sends something else from filling memory.
 */
export const MAX_METADATA_BYTES = 4 * 1024 * 1024;

/** How much of an upstream error body is quoted in our own error (the go command shows 8 lines). */
const ERROR_BODY_QUOTE = 300;

/**
 * An HTTP(S) GOPROXY upstream. Builds request URLs exactly like the go command (escaped path,
 * each segment percent-encoded), maps 404/410 to not-found (so `,` falls through) and every
 * other status or transport failure to `upstream`/`timeout`, enforces response size caps and
 * overall deadlines, and refuses an `.info` for another version than the canonical one asked
 * for. Credentials in the URL (`https://user:pass@host`) are sent as Basic auth and never
 * appear in `description` or error messages.
 */
export class ProxyUpstream implements Upstream {
  readonly description: string;
  private readonly base: URL;
  private readonly authHeader: Record<string, string>;
  private readonly maxMetadataBytes: number;

  constructor(
    baseUrl: string,
    private readonly client: HttpClient,
    private readonly limits: ProxyUpstreamLimits,
  ) {
    const { url, authorization } = urlCredentials(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ModgateError('invalid', `upstream ${url.protocol}// URLs are not supported`);
    }
    this.authHeader = authorization === undefined ? {} : { authorization };
    this.maxMetadataBytes = limits.maxMetadataBytes ?? MAX_METADATA_BYTES;
    url.pathname = url.pathname.replace(/\/$/, '');
    url.search = '';
    url.hash = '';
    this.base = url;
    this.description = url.toString().replace(/\/$/, '');
  }

  async list(modulePath: string, ctx: FetchContext): Promise<string[]> {
    const body = await this.getSmall(modulePath, '@v/list', this.maxMetadataBytes, ctx);
    const lines = parseVersionList(body);
    // When no line starts with a valid version, the answer is something else (an HTML page
    // with 200): refused, so it is neither stored nor relayed and `|` moves on; a stored list
    // is then served stale.
    if (lines === undefined) {
      throw new ModgateError(
        'upstream',
        `${this.description}: ${modulePath}/@v/list: the upstream answer is not a version list`,
      );
    }
    return lines;
  }

  async info(modulePath: string, query: string, ctx: FetchContext): Promise<RevInfo> {
    const file = `@v/${goPathEscape(escapeVersion(query))}.info`;
    const label = `${this.description}: ${modulePath}@${query}.info`;
    const raw = await this.getSmall(modulePath, file, this.maxMetadataBytes, ctx);
    const info = { ...parseInfoJson(raw, label), raw };
    // The go command's own invariant (proxyRepo.Stat): for a canonical, valid version the
    // answer must be that version.
    if (isCanonicalFor(modulePath, query) && info.version !== query) {
      throw new ModgateError(
        'upstream',
        `${label}: upstream returned info for version ${info.version} instead of requested version ${query}`,
      );
    }
    return info;
  }

  async latest(modulePath: string, ctx: FetchContext): Promise<RevInfo> {
    const raw = await this.getSmall(modulePath, '@latest', this.maxMetadataBytes, ctx);
    return { ...parseInfoJson(raw, `${this.description}: ${modulePath}/@latest`), raw };
  }

  async mod(modulePath: string, version: string, ctx: FetchContext): Promise<Buffer> {
    const file = `@v/${goPathEscape(escapeVersion(version))}.mod`;
    const body = await this.getSmall(modulePath, file, this.limits.maxModBytes, ctx);
    checkProxyGoMod(modulePath, body, `${this.description}: ${modulePath}@${version}.mod`);
    return body;
  }

  async zip(modulePath: string, version: string, ctx: FetchContext): Promise<ZipSource> {
    const file = `@v/${goPathEscape(escapeVersion(version))}.zip`;
    const label = `${this.description}: ${modulePath}@${version}.zip`;
    const max = this.limits.maxZipBytes;
    const res = await this.fetch(modulePath, file, 'zip', max, ctx, label);
    const length = Number(res.headers['content-length']);
    const size = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
    if (size !== undefined && size > max) {
      res.body.destroy();
      throw new ModgateError(
        'too-large',
        `${label}: zip is ${size} bytes, over the ${max}-byte limit`,
      );
    }
    const capped = new ByteLimit(
      max,
      () => new ModgateError('too-large', `${label}: zip larger than ${max} bytes`),
    );
    // The consumer reads `capped`. When it is done early (or fails), the upstream transfer
    // stops too (and with it the deadline); an upstream failure reaches the consumer as an
    // error on `capped` of kind `upstream` (reset, premature close, short body) or `timeout`
    // (zip_timeout, silence) naming the URL — the HTTP client's body fails with those, and
    // anything else is converted here — never as a raw socket error.
    let received = 0;
    res.body.on('data', (chunk: Buffer) => (received += chunk.length));
    res.body.on('error', (err) =>
      capped.destroy(err instanceof ModgateError ? err : bodyError(err, label, received, size)),
    );
    capped.on('close', () => res.body.destroy());
    res.body.pipe(capped);
    return size === undefined ? { stream: capped } : { stream: capped, size };
  }

  /** GETs a small file into memory. */
  private async getSmall(
    modulePath: string,
    file: string,
    max: number,
    ctx: FetchContext,
  ): Promise<Buffer> {
    const label = `${this.description}: ${modulePath}/${file}`;
    const res = await this.fetch(modulePath, file, 'metadata', max, ctx, label);
    return readBodyCapped(res.body, max, label);
  }

  /**
   * GETs one file; resolves with a 200 response whose body the caller reads. The deadline
   * (`metadata_timeout` or `zip_timeout`) covers the whole exchange, body included; a body
   * past `maxBytes` fails with `too-large`.
   */
  private async fetch(
    modulePath: string,
    file: string,
    deadline: 'metadata' | 'zip',
    maxBytes: number,
    ctx: FetchContext,
    label: string,
  ): Promise<HttpResponse> {
    const url = new URL(this.base.toString());
    // A base without a path has pathname "/" however it was written: join without doubling.
    const prefix = this.base.pathname.replace(/\/$/, '');
    url.pathname = `${prefix}/${goPathEscapeAll(escapePath(modulePath))}/${file}`;
    const res = await this.client.get(url, {
      label,
      headers: this.authHeader,
      timeoutMs: deadline === 'zip' ? this.limits.zipTimeoutMs : this.limits.metadataTimeoutMs,
      timeoutName: `upstream_http.${deadline}_timeout`,
      maxBytes,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (res.status === 200) return res;
    const text = await readBodyCapped(res.body, 4096, label).catch(() => Buffer.alloc(0));
    // Relayed to clients and logs: an error page may echo the request's credentials.
    const excerpt = res.redactor.excerpt(text, ERROR_BODY_QUOTE);
    const quoted = excerpt === '' ? '' : `: ${excerpt}`;
    if (res.status === 404 || res.status === 410) {
      throw new ModgateError(
        res.status === 404 ? 'not-found' : 'gone',
        `${label}: ${res.status}${quoted}`,
      );
    }
    throw new ModgateError('upstream', `${label}: ${res.status}${quoted}`);
  }
}
