import { basicAuthorization } from '../../../protocol/basic-auth.js';

/**
 * A credential for HTTPS git remotes on one host, given to modgate by its operator.
 * `host` is `host[:port]` (meaning `https://host[:port]/`) or a URL prefix with its scheme
 * (`http://127.0.0.1:8080/`, `https://git.corp/team/`). `username` defaults to
 * `x-access-token`, which GitHub, GitLab (personal/project tokens), Gitea and Bitbucket
 * all accept alongside a token.
 */
export interface GitCredential {
  host: string;
  username?: string;
  token: string;
}

export const DEFAULT_GIT_USERNAME = 'x-access-token';

/** A git config entry passed through GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n. */
export interface GitConfigEntry {
  key: string;
  value: string;
}

/** The URL prefix a credential applies to, in git's `http.<url>.*` form (ends with `/`). */
export function credentialUrlPrefix(host: string): string {
  const withScheme = host.includes('://') ? host : `https://${host}`;
  return withScheme.endsWith('/') ? withScheme : `${withScheme}/`;
}

/**
 * Turns credentials into `http.<url>.extraHeader = Authorization: Basic …` config entries:
 * git sends the header on every request to that URL prefix (after its own insteadOf
 * rewriting), nothing goes on a command line or into a URL, and the user's own credential
 * helpers stay configured for every other host. The first credential for a prefix wins.
 * `secrets` lists every string that must never appear in a log or an error message.
 */
export function credentialConfig(credentials: readonly GitCredential[]): {
  entries: GitConfigEntry[];
  secrets: string[];
} {
  const entries: GitConfigEntry[] = [];
  const secrets: string[] = [];
  const seen = new Set<string>();
  for (const c of credentials) {
    const prefix = credentialUrlPrefix(c.host);
    if (seen.has(prefix) || c.token === '') continue;
    seen.add(prefix);
    const user = c.username !== undefined && c.username !== '' ? c.username : DEFAULT_GIT_USERNAME;
    const authorization = basicAuthorization(user, c.token);
    entries.push({ key: `http.${prefix}.extraHeader`, value: `Authorization: ${authorization}` });
    secrets.push(c.token, authorization.slice('Basic '.length));
  }
  return { entries, secrets };
}

/** A user name and password (or token) for one host, from a credential source. */
export interface HostCredentials {
  username: string;
  password: string;
}

/**
 * Looks credentials up by host name (no port), the way cmd/go's .netrc lookup works — e.g.
 * the discovery layer's CredentialSource: `(host) => source.forHost(host)`.
 */
export type CredentialLookup = (hostname: string) => HostCredentials | undefined;

/**
 * The config entry for one remote from a lookup: the header is keyed to the remote's own
 * origin (`scheme://host[:port]/`), so a remote that the user's insteadOf rewrites to another
 * host never receives it. Nothing when the remote is not HTTP(S), the lookup has nothing, or a
 * configured credential already covers the URL (two Authorization headers would conflict).
 */
export function lookupConfig(
  url: string,
  lookup: CredentialLookup | undefined,
  configured: readonly GitConfigEntry[],
): { entries: GitConfigEntry[]; secrets: string[] } {
  const none = { entries: [], secrets: [] };
  if (lookup === undefined) return none;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return none;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return none;
  const covered = configured.some((e) => {
    const prefix = e.key.slice('http.'.length, -'.extraHeader'.length);
    return `${url}/`.startsWith(prefix);
  });
  const found = covered ? undefined : lookup(parsed.hostname);
  if (found === undefined || found.password === '') return none;
  return credentialConfig([
    { host: `${parsed.protocol}//${parsed.host}`, username: found.username, token: found.password },
  ]);
}

/**
 * Replaces secrets in `text` with `***`. git only ever echoes a secret between delimiters (a
 * URL's `user:token@`, a header value), so a secret is replaced where it stands alone, i.e.
 * not inside a longer word — a short password must not turn "repository" into "re***ository"
 * (and hide the message `mapGitError` reads). Secrets of 12 characters or more are replaced
 * wherever they occur.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s === '') continue;
    if (s.length >= 12) {
      out = out.split(s).join('***');
    } else {
      const escaped = s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      out = out.replace(new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'g'), '***');
    }
  }
  return out;
}
