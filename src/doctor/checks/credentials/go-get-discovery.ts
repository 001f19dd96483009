import { matchPrefixPatterns } from '../../../module/index.js';
import { redactUrl } from '../../../protocol/redact-url.js';
import type { DoctorContext } from '../../doctor-context.js';
import { goCredentials } from '../network/go-credentials.js';
import { goProxyFor, readGoProxyEnv } from '../network/go-proxy-rules.js';
import { goSystemRoots } from '../network/go-system-roots.js';
import { httpGet } from '../network/http-get.js';
import type { RepoRoot } from './repo-root.js';

/** What a `?go-get=1` page said about a module path. */
export type Discovery = { ok: true; repo: RepoRoot } | { ok: false; problem: string };

const MAX_REDIRECTS = 10;

/**
 * go-get discovery as the go command does it, in its simplest form: `GET https://<path>?go-get=1`
 * (and `http://` when the path matches GOINSECURE), redirects followed, the first
 * `<meta name="go-import">` whose prefix is the module path or a parent of it. Each request goes
 * the go command's way (the network layer's httpGet: its outbound proxy by HTTPS_PROXY/NO_PROXY,
 * its CA roots, its .netrc credentials), bounded by ctx.probeTimeoutMs. Not done: walking up to
 * parent paths; a `mod` entry (a proxy, not a repository) is returned as such.
 */
export async function goGetDiscovery(
  ctx: DoctorContext,
  modulePath: string,
  goinsecure: string,
): Promise<Discovery> {
  const schemes = matchPrefixPatterns(goinsecure, modulePath) ? ['https', 'http'] : ['https'];
  const proxyEnv = readGoProxyEnv(ctx.env);
  const roots = await goSystemRoots(ctx.env);
  const limits = { timeoutMs: ctx.probeTimeoutMs, signal: ctx.signal };
  let problem = '';
  for (const scheme of schemes) {
    let url = new URL(`${scheme}://${modulePath}?go-get=1`);
    try {
      for (let hop = 0; ; hop++) {
        const credentials = await goCredentials(ctx, url);
        const answer = await httpGet(
          url,
          goProxyFor(proxyEnv, url),
          limits,
          roots.pems,
          credentials?.header,
        );
        const location = answer.headers.location;
        if (answer.status >= 300 && answer.status < 400 && typeof location === 'string') {
          if (hop >= MAX_REDIRECTS) throw new Error('too many redirects');
          url = new URL(location, url);
          continue;
        }
        const found = goImportFor(answer.body, modulePath);
        if (found !== undefined) return { ok: true, repo: found };
        problem =
          answer.status === 200
            ? `${url.href}: no <meta name="go-import"> for ${modulePath}`
            : `${url.href}: HTTP ${answer.status}`;
        break;
      }
    } catch (error) {
      problem = `${url.href}: ${error instanceof Error ? error.message : String(error)}`;
    }
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
