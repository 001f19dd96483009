/**
 * Credentials for a host, shared by discovery (Basic auth on `?go-get=1` requests, which is
 * what makes GitLab reveal nested-group projects) and the git side (HTTPS fetches).
 *
 * Sources: a static list from the configuration, and `.netrc` files parsed the way the go
 * command parses them (cmd/go/internal/auth/netrc.go): `machine` starts an entry, `login` and
 * `password` complete it, `macdef` skips lines up to the next empty line, and `default` ends
 * the file (a default entry is not used, as in cmd/go). Entries missing a login or a password
 * are ignored. Hosts are matched exactly (case-insensitively), without the port.
 *
 * Secrets stay inside: the sources keep their entries in private fields, so logging a source
 * shows nothing, and nothing here writes them anywhere. Callers must not log what
 * `forHost` returns.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Credentials {
  username: string;
  password: string;
}

/** Where credentials for a host come from. `host` is a hostname without port. */
export interface CredentialSource {
  forHost(host: string): Credentials | undefined;
}

export interface HostCredentials extends Credentials {
  host: string;
}

/** A fixed list; the first entry for a host wins. */
export class StaticCredentials implements CredentialSource {
  readonly #entries: ReadonlyMap<string, Credentials>;

  constructor(entries: readonly HostCredentials[]) {
    const map = new Map<string, Credentials>();
    for (const e of entries) {
      const host = e.host.toLowerCase();
      if (!map.has(host)) map.set(host, { username: e.username, password: e.password });
    }
    this.#entries = map;
  }

  forHost(host: string): Credentials | undefined {
    const c = this.#entries.get(host.toLowerCase());
    return c === undefined ? undefined : { ...c };
  }

  /** The hosts that have credentials (no secrets): for diagnostics. */
  hosts(): string[] {
    return [...this.#entries.keys()];
  }

  toJSON(): { hosts: string[] } {
    return { hosts: this.hosts() };
  }
}

/**
 * Credentials for discovery from the token list the git side is configured with
 * (`{ host, username?, token }`, host as `host` or `https://host/`; username default
 * `x-access-token`). Entries scoped to a port, a path or plain http are left out: discovery
 * requests go to `https://<host>/<module path>` only.
 */
export function credentialsFromTokens(
  entries: readonly { host: string; username?: string; token: string }[],
  defaultUsername = 'x-access-token',
): StaticCredentials {
  const out: HostCredentials[] = [];
  for (const e of entries) {
    let url: URL;
    try {
      url = new URL(e.host.includes('://') ? e.host : `https://${e.host}`);
    } catch {
      continue;
    }
    if (
      url.protocol !== 'https:' ||
      url.port !== '' ||
      (url.pathname !== '/' && url.pathname !== '')
    ) {
      continue;
    }
    if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
      continue;
    out.push({ host: url.hostname, username: e.username ?? defaultUsername, password: e.token });
  }
  return new StaticCredentials(out);
}

/** Asks each source in turn; the first with an answer wins (e.g. configured list, then .netrc). */
export class ChainedCredentials implements CredentialSource {
  readonly #sources: readonly CredentialSource[];

  constructor(sources: readonly CredentialSource[]) {
    this.#sources = sources;
  }

  forHost(host: string): Credentials | undefined {
    for (const s of this.#sources) {
      const c = s.forHost(host);
      if (c !== undefined) return c;
    }
    return undefined;
  }
}

/** The complete `machine` entries of a .netrc text, in file order (cmd/go parseNetrc). */
export function parseNetrc(data: string): HostCredentials[] {
  const out: HostCredentials[] = [];
  let l = { host: '', username: '', password: '' };
  let inMacro = false;
  for (const line of data.split('\n')) {
    if (inMacro) {
      if (line === '') inMacro = false;
      continue;
    }
    const f = line.split(/[\t\n\v\f\r \u0085\u00a0]+/).filter((t) => t !== '');
    let i = 0;
    for (; i < f.length - 1; i += 2) {
      const value = f[i + 1] ?? '';
      switch (f[i]) {
        case 'machine':
          l = { host: value, username: '', password: '' };
          break;
        case 'login':
          l.username = value;
          break;
        case 'password':
          l.password = value;
          break;
        case 'macdef':
          inMacro = true;
          break;
      }
      if (l.host !== '' && l.username !== '' && l.password !== '') {
        out.push(l);
        l = { host: '', username: '', password: '' };
      }
    }
    // "There can be only one default token, and it must be after all machine tokens."
    if (i < f.length && f[i] === 'default') break;
  }
  return out;
}

/** Credentials from a .netrc text. */
export function netrcCredentials(data: string): StaticCredentials {
  return new StaticCredentials(parseNetrc(data));
}

/** The .netrc the go command would read: $NETRC, else ~/.netrc (~/_netrc on Windows). */
export function defaultNetrcPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NETRC) return env.NETRC;
  return join(homedir(), process.platform === 'win32' ? '_netrc' : '.netrc');
}

/** Reads a .netrc file; a missing file gives no credentials, other read errors throw. */
export async function readNetrcFile(path: string): Promise<StaticCredentials> {
  try {
    return netrcCredentials(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return new StaticCredentials([]);
    throw err;
  }
}
