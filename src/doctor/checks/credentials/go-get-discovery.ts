import { matchPrefixPatterns } from '../../../module/index.js';
import { redactUrl } from '../../../protocol/redact-url.js';
import type { RepoRoot } from './repo-root.js';

/** What a `?go-get=1` page said about a module path. */
export type Discovery = { ok: true; repo: RepoRoot } | { ok: false; problem: string };

/**
 * go-get discovery as the go command does it, in its simplest form: `GET https://<path>?go-get=1`
 * (and `http://` when the path matches GOINSECURE), the first `<meta name="go-import">` whose
 * prefix is the module path or a parent of it. Bounded by `timeoutMs` per request. Not done:
 * walking up to parent paths, HTTP_PROXY (Node's fetch does not use it; the network layer's
 * checks cover the proxy), `mod` entries (a proxy, not a repository: reported as such).
 */
export async function goGetDiscovery(
  modulePath: string,
  goinsecure: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Discovery> {
  const schemes = matchPrefixPatterns(goinsecure, modulePath) ? ['https', 'http'] : ['https'];
  let problem = '';
  for (const scheme of schemes) {
    const url = `${scheme}://${modulePath}?go-get=1`;
    let html: string;
    try {
      const res = await fetch(url, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        redirect: 'follow',
      });
      html = (await res.text()).slice(0, 1 << 20);
      if (!res.ok && !html.includes('go-import')) {
        problem = `${url}: HTTP ${res.status}`;
        continue;
      }
    } catch (error) {
      problem = `${url}: ${describe(error)}`;
      continue;
    }
    const found = goImportFor(html, modulePath);
    if (found !== undefined) return { ok: true, repo: found };
    problem = `${url}: no <meta name="go-import"> for ${modulePath}`;
  }
  return { ok: false, problem: redactUrl(problem) };
}

/** The go-import meta tag of `html` whose prefix covers `modulePath`. */
export function goImportFor(html: string, modulePath: string): RepoRoot | undefined {
  for (const tag of html.match(/<meta\s[^>]*>/gi) ?? []) {
    if (!/\bname\s*=\s*["']?go-import["'\s>/]/i.test(tag)) continue;
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    const fields = (content?.[1] ?? content?.[2] ?? '').trim().split(/\s+/);
    if (fields.length !== 3) continue;
    const [prefix = '', vcs = '', url = ''] = fields;
    if (modulePath === prefix || modulePath.startsWith(prefix + '/')) {
      return { root: prefix, vcs, url };
    }
  }
  return undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error) return `${error.message} (${cause.message})`;
    return error.name === 'TimeoutError' ? 'no answer in time' : error.message;
  }
  return String(error);
}
