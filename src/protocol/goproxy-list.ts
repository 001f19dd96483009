/**
 * GOPROXY list parsing with exactly the go command's rules (cmd/go/internal/modfetch/proxy.go
 * `proxyList`; https://go.dev/ref/mod#goproxy-protocol), used for modgate's own upstream
 * chain and by `modgate doctor` to read a developer's setting.
 *
 * - Entries are separated by `,` or `|`. The separator *after* an entry decides its fallback:
 *   `|` falls through to the next entry on any error; `,` (or the end of the list) only on
 *   "not found" (404/410).
 * - Entries are trimmed; empty entries are skipped.
 * - `off` and `direct` are keywords; either ends the list (later entries are ignored).
 * - An entry with `.`, `:` or `/` that contains no `:/` and is not an absolute path gets
 *   `https://` prepended (`proxy.example.com` → `https://proxy.example.com`).
 * - Only `http`, `https` and `file` URLs are accepted; a `file://` URL may carry only a path.
 *   Any other single word is an error, as are lists with no entries.
 *
 * Unlike the go command, which accepts URLs such as `https://` that can never be fetched, we
 * require each URL to parse as a WHATWG URL with a host (http/https). Passwords in
 * `user:password@host` URLs are kept in `url` but never appear in errors.
 */
import { invalid } from '../errors/index.js';
import { redactUrl } from './redact-url.js';

/** The go command's default GOPROXY. */
export const DEFAULT_GOPROXY = 'https://proxy.golang.org,direct';

export interface GoproxyEntry {
  /** `proxy`: a GOPROXY server; `direct`: fetch from the VCS; `off`: fail every lookup. */
  readonly kind: 'proxy' | 'direct' | 'off';
  /** For `proxy`: the URL as written (plus the implied `https://`), credentials included. */
  readonly url?: string;
  /** For `proxy`: `url` with its user information replaced by `xxxxx` (redact-url.ts), for logs and messages. */
  readonly redactedUrl?: string;
  /** True if followed by `|`: try the next entry after any error, not only "not found". */
  readonly fallbackOnAnyError: boolean;
}

/** Parses a GOPROXY value; throws ModgateError('invalid') on an unusable list. */
export function parseGoproxyList(value: string): GoproxyEntry[] {
  if (value === '') throw invalid('GOPROXY list is empty');
  const entries: GoproxyEntry[] = [];
  let rest = value;
  while (rest !== '') {
    const sep = rest.search(/[,|]/);
    let raw: string;
    let fallbackOnAnyError = false;
    if (sep >= 0) {
      raw = rest.slice(0, sep);
      fallbackOnAnyError = rest[sep] === '|';
      rest = rest.slice(sep + 1);
    } else {
      raw = rest;
      rest = '';
    }
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry === 'off' || entry === 'direct') {
      entries.push({ kind: entry, fallbackOnAnyError: false });
      break;
    }
    const url = impliedHttps(entry);
    checkProxyUrl(url);
    entries.push({ kind: 'proxy', url, redactedUrl: redactUrl(url), fallbackOnAnyError });
  }
  if (entries.length === 0) {
    throw invalid('GOPROXY list is not the empty string, but contains no entries');
  }
  return entries;
}

/**
 * Single words are reserved for keywords, and anything with `:/` or an absolute path must be
 * a complete URL; everything else is a host (and path) that means https.
 */
function impliedHttps(entry: string): string {
  if (/[.:/]/.test(entry) && !entry.includes(':/') && !entry.startsWith('/')) {
    return 'https://' + entry;
  }
  return entry;
}

/** Throws invalid unless `url` is a usable http, https or path-only file URL. */
function checkProxyUrl(url: string): void {
  const shown = redactUrl(url);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) throw invalid(`invalid proxy URL missing scheme: ${shown}`);
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'file') {
    throw invalid(`invalid proxy URL scheme (must be https, http, file): ${shown}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`invalid proxy URL: ${shown}`);
  }
  if (scheme === 'file') {
    // Checked on the raw text: WHATWG URL would silently drop a `localhost` host.
    const hasAuthority = /^file:\/\/[^/]/i.test(url);
    if (hasAuthority || url.includes('?') || url.includes('#')) {
      throw invalid(`invalid file:// proxy URL with non-path elements: ${shown}`);
    }
  } else if (parsed.hostname === '') {
    throw invalid(`invalid proxy URL missing host: ${shown}`);
  }
}
