/**
 * One `?go-get=1` request, as cmd/go makes it (vcs.go urlForImportPath, web/http.go get):
 *
 * - The URL is `https://<first path element><rest of path>?go-get=1`; the first element must
 *   contain a dot.
 * - HTTPS first. Plain HTTP is tried only for insecure paths (GOINSECURE), and only when the
 *   HTTPS request failed at the transport level. (cmd/go also skips TLS verification for
 *   insecure paths; the shared HttpClient always verifies, so an insecure host with a bad
 *   certificate is reached over HTTP instead.)
 * - Basic-auth credentials for the host go on HTTPS requests only, never over plain HTTP.
 * - Any HTTP status is parsed: meta tags in a 404 page count. The status matters only when the
 *   page has no go-import tags.
 * - Only the head of the page matters, so at most `maxBodyBytes` are read.
 *
 * Transport failures throw (ModgateError `upstream` or `timeout`, naming the URL);
 * everything about the answer is returned for the resolver to judge.
 */
import type { Readable } from 'node:stream';
import { ModgateError } from '../../../errors/index.js';
import { transportError, type HttpResponse } from '../../http-client.js';
import { basicAuthorization } from '../../../protocol/basic-auth.js';
import type { CredentialSource } from './credentials.js';
import { parseMetaGoImports, type MetaImport } from './parse-meta-tags.js';

const INSECURE_HTTPS_TIMEOUT_MS = 5_000;

/** The slice of HttpClient discovery uses (HttpClient satisfies it). */
export interface DiscoveryHttp {
  get(
    url: URL,
    opts: { signal: AbortSignal; headers?: Record<string, string>; label: string },
  ): Promise<HttpResponse>;
}

export interface GoGetFetchOptions {
  http: DiscoveryHttp;
  credentials: CredentialSource | undefined;
  timeoutMs: number;
  maxBodyBytes: number;
  /**
   * Test seam: maps the URL discovery means (`https://vanity.test/x?go-get=1`) to the one
   * actually requested (an `http://127.0.0.1:port/...` fixture). Rules — scheme choice,
   * credentials, messages — always follow the meant URL.
   */
  dialOverride: ((url: URL) => URL) | undefined;
}

export interface GoGetPage {
  /** The URL fetched (meant URL, no credentials), for messages. */
  url: string;
  status: number;
  imports: MetaImport[];
  /** The tokenizer's error, when it found no go-import tags. */
  parseError: Error | undefined;
}

/** `https://host/path?go-get=1` for an import path; throws `not-found` without a dotted host. */
export function goGetUrl(importPath: string): URL {
  const slash = importPath.indexOf('/');
  const host = slash < 0 ? importPath : importPath.slice(0, slash);
  const path = slash < 0 ? '/' : importPath.slice(slash);
  if (!host.includes('.')) {
    throw new ModgateError('not-found', 'import path does not begin with hostname');
  }
  return new URL(`https://${host}${path}?go-get=1`);
}

/** Fetches and parses the go-get page for `importPath`. */
export async function fetchGoGetPage(
  importPath: string,
  insecure: boolean,
  opts: GoGetFetchOptions,
): Promise<GoGetPage> {
  const secure = goGetUrl(importPath);
  let res: { page: GoGetPage } | undefined;
  try {
    // Like cmd/go's 5-second client for insecure paths: fail fast, then try plain HTTP.
    const timeoutMs = insecure
      ? Math.min(opts.timeoutMs, INSECURE_HTTPS_TIMEOUT_MS)
      : opts.timeoutMs;
    res = { page: await fetchOne(secure, opts, timeoutMs) };
  } catch (err) {
    if (!insecure) throw err;
  }
  if (res === undefined) {
    const plain = new URL(secure);
    plain.protocol = 'http:';
    res = { page: await fetchOne(plain, opts, opts.timeoutMs) };
  }
  return res.page;
}

async function fetchOne(url: URL, opts: GoGetFetchOptions, timeoutMs: number): Promise<GoGetPage> {
  const label = url.href;
  const headers: Record<string, string> = {};
  if (url.protocol === 'https:') {
    const c = opts.credentials?.forHost(url.hostname);
    if (c !== undefined) headers.authorization = basicAuthorization(c.username, c.password);
  }
  const signal = AbortSignal.timeout(timeoutMs);
  const target = opts.dialOverride?.(url) ?? url;
  const res = await opts.http.get(target, { signal, headers, label });
  const body = await readHead(res.body, opts.maxBodyBytes, label, signal);
  let imports: MetaImport[] = [];
  let parseError: Error | undefined;
  try {
    imports = parseMetaGoImports(body, 'prefer-mod');
  } catch (err) {
    parseError = err instanceof Error ? err : new Error(String(err));
  }
  return { url: label, status: res.status, imports, parseError };
}

/** Reads at most `max` bytes of a body, then lets the rest go. */
async function readHead(
  body: Readable,
  max: number,
  label: string,
  signal: AbortSignal,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= max) break;
    }
  } catch (err) {
    throw transportError(err, label, signal);
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks, total).subarray(0, max);
}
