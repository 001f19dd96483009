import { ModgateError } from '../../../errors/index.js';
import { redactUrl } from '../../../protocol/redact-url.js';
import { parseScpLike } from '../../../policy/scp-like-url.js';

/** A git remote as modgate uses it: the URL git is given, and what may be shown of it. */
export interface GitRemote {
  /** Exactly as given to git (may carry a user name, e.g. `ssh://git@host/...`). */
  readonly url: string;
  /** `host[:port]`, for error messages and per-host limits. */
  readonly host: string;
  /** The URL without any `user:password@`: safe for logs and errors. */
  readonly display: string;
}

/** Schemes git may be pointed at unless configured otherwise (no file://, no ext::). */
export const DEFAULT_GIT_SCHEMES: readonly string[] = ['https', 'http', 'git', 'ssh'];

/**
 * The pseudo-scheme that admits scp-like remotes (`[user@]host:path`, ../scp-like-url.ts): only
 * in a scheme list built from the operator's rewrites, never for discovery. git runs them
 * over ssh (GIT_ALLOW_PROTOCOL `ssh`).
 */
export const SCP_LIKE = 'scp';

/**
 * Checks a remote URL before it reaches git. Like cmd/go, only URL syntax is accepted
 * (no local paths, and scp-like `host:path` only when `allowedSchemes` holds SCP_LIKE — a
 * rewrite wrote one): the URL may come from go-get discovery, i.e. from whoever controls a
 * module path's web server, so the scheme is limited (`ext::` would run commands) and nothing
 * that git could read as an option gets through. Throws `invalid`.
 */
export function parseGitRemote(
  url: string,
  allowedSchemes: readonly string[] = DEFAULT_GIT_SCHEMES,
): GitRemote {
  const bad = (why: string): ModgateError =>
    new ModgateError('invalid', `git remote ${JSON.stringify(redactUrl(url))}: ${why}`);
  if (/[\s\x00-\x1f\x7f]/.test(url)) throw bad('contains white space or control characters');
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (m === null) {
    const scp = allowedSchemes.includes(SCP_LIKE) ? parseScpLike(url) : undefined;
    if (scp === undefined) throw bad('not a URL (scheme://host/path)');
    // Passed to git unchanged: its path is relative to the login directory, unlike ssh://.
    const host = scp.host.includes(':') ? `[${scp.host}]` : scp.host;
    return { url, host: scp.port === '' ? host : `${host}:${scp.port}`, display: url };
  }
  const scheme = (m[1] ?? '').toLowerCase().replace(/^git\+ssh$/, 'ssh');
  if (!allowedSchemes.includes(scheme)) throw bad(`scheme ${scheme} is not allowed`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('not a valid URL');
  }
  if (parsed.hostname === '' && scheme !== 'file') throw bad('no host');
  return { url, host: parsed.host, display: redactUrl(url) };
}

/**
 * The schemes for a cache whose remotes come from discovery and from these rewrite URLs: the
 * defaults, plus `file` when a rewrite names a `file://` URL — the operator's own choice for a
 * repository on the server's disk — and SCP_LIKE when a rewrite is scp-like
 * (`git@host:path`). Discovery never yields file:// or scp-like URLs (validate-repo-root.ts
 * requires a scheme), and http/git:// from discovery are refused unless the path is insecure
 * (repo-resolver.ts).
 */
export function gitSchemesForRewrites(urls: readonly string[]): string[] {
  const file = urls.some((u) => /^file:\/\//i.test(u.trim()));
  const scp = urls.some((u) => parseScpLike(u.trim()) !== undefined);
  return [...DEFAULT_GIT_SCHEMES, ...(file ? ['file'] : []), ...(scp ? [SCP_LIKE] : [])];
}
