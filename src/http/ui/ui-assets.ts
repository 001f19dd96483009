import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DASHBOARD_CSS } from './assets/dashboard-css.js';
import { DASHBOARD_SCRIPT } from './assets/dashboard-script.js';

/** One file under /-/ui/assets/: its bytes, type and validator. */
interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** The URL prefix of the dashboard's static files. */
export const ASSET_PREFIX = '/-/ui/assets/';

function asset(base: string, ext: string, text: string, type: string): [string, Asset] {
  const body = Buffer.from(text);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return [`${base}.${hash}.${ext}`, { body, type, etag: `"${hash}"` }];
}

const ASSETS = new Map<string, Asset>([
  asset('dashboard', 'css', DASHBOARD_CSS, 'text/css; charset=utf-8'),
  asset('dashboard', 'js', DASHBOARD_SCRIPT, 'text/javascript; charset=utf-8'),
]);

const names = [...ASSETS.keys()];

/**
 * The assets' URLs. Their names carry a hash of their content, so a page always links the
 * version it was rendered with and a browser may keep a file for a year: a new build serves
 * new names. Everything is modgate's own (no CDN): the dashboard works on an air-gapped site.
 */
export const ASSET_URLS = {
  css: ASSET_PREFIX + (names.find((n) => n.endsWith('.css')) ?? ''),
  js: ASSET_PREFIX + (names.find((n) => n.endsWith('.js')) ?? ''),
};

/** Answers GET/HEAD /-/ui/assets/<name>: the file (or 304 for its ETag), else 404. */
export function sendAsset(req: IncomingMessage, res: ServerResponse, name: string): void {
  const found = ASSETS.get(name);
  if (found === undefined) {
    res.statusCode = 404;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.end(req.method === 'HEAD' ? undefined : `not found: ${ASSET_PREFIX}${name}\n`);
    return;
  }
  res.setHeader('cache-control', 'public, max-age=31536000, immutable');
  res.setHeader('etag', found.etag);
  res.setHeader('x-content-type-options', 'nosniff');
  if (req.headers['if-none-match'] === found.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('content-type', found.type);
  res.setHeader('content-length', found.body.length);
  res.end(req.method === 'HEAD' ? undefined : found.body);
}
