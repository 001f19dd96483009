import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseScpLike } from '../../../policy/scp-like-url.js';
import { parseSshHostPattern, type SshHostPattern } from '../../../policy/ssh-host-pattern.js';

/**
 * How ssh treats a host key it has not seen: `strict` (ssh's `StrictHostKeyChecking=yes`:
 * only hosts already in the known_hosts file are trusted) or `accept-new` (a host seen for the
 * first time is added to the file; a changed key is still refused).
 */
export type SshHostKeyChecking = 'strict' | 'accept-new';

/** A private key file for the ssh remotes on one host (`HOST=PATH` in the configuration). */
export interface SshKeyEntry {
  /**
   * `host` (any port), `host:port` / `[v6]:port` (that port only), `*.domain` (any host
   * under the domain) or `*` (every ssh host).
   */
  host: string;
  /** Absolute path of the private key file. */
  path: string;
}

/**
 * ssh's `ConnectTimeout` in the ssh commands modgate builds: bounds the TCP connect and (in
 * OpenSSH 7+) the banner exchange, so an unreachable or silent host fails in seconds rather
 * than at the 60 s ls-remote deadline. A fixed value, not `upstream_http.connect_timeout`:
 * ssh's handshake may pass through a ProxyJump of the user's ~/.ssh/config, and one slow
 * bastion should not fail every fetch.
 */
export const DEFAULT_SSH_CONNECT_TIMEOUT_SECONDS = 15;

export interface SshIdentityOptions {
  keys: readonly SshKeyEntry[];
  /** ssh's ConnectTimeout, whole seconds. Default DEFAULT_SSH_CONNECT_TIMEOUT_SECONDS. */
  connectTimeoutSeconds?: number;
  /** A known_hosts file; `''` = ssh's own (`~/.ssh/known_hosts` and the system file). */
  knownHosts?: string;
  hostKeyChecking?: SshHostKeyChecking;
}

/** The ssh set-up for one git command against an ssh remote with a configured key. */
export interface SshSetup {
  /** The GIT_SSH_COMMAND value (a shell command line: git runs it with `sh -c`). */
  command: string;
  /** The key file (its path, never its content). */
  keyPath: string;
  /** The known_hosts file host keys are checked against, as named in error messages. */
  knownHosts: string;
}

/** The host name and port (`''` for the default 22) of an ssh remote; undefined if not ssh. */
export function sshHostOf(url: string): { name: string; port: string } | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (scheme !== null) {
    const s = (scheme[1] ?? '').toLowerCase();
    if (s !== 'ssh' && s !== 'git+ssh' && s !== 'ssh+git') return undefined;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    const name = parsed.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    return { name, port: parsed.port === '22' ? '' : parsed.port };
  }
  // scp-like [user@]host:path, [host:port]:path (git reads it as ssh).
  const scp = parseScpLike(url);
  if (scp === undefined) return undefined;
  return { name: scp.host, port: scp.port };
}

/** Quotes a word for `sh -c` (git runs GIT_SSH_COMMAND through the shell). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:@,+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The ssh keys the server holds, per host: which key (if any) a git command against an ssh
 * remote uses, and the ssh command that uses it.
 *
 * With a key for the remote's host, ssh runs as
 * `ssh -i KEY -o IdentitiesOnly=yes -o BatchMode=yes -o ControlMaster=no -o ControlPath=none
 *  -o StrictHostKeyChecking=yes|accept-new -o ConnectTimeout=N [-o UserKnownHostsFile="FILE"]`
 * — only that key is offered (not the agent's or ~/.ssh/id_*), nothing prompts, no shared
 * connection, a host that does not answer fails after N seconds, and an unknown host key is refused (strict) or recorded (accept-new), never
 * silently trusted twice. This replaces the user's GIT_SSH / GIT_SSH_COMMAND /
 * core.sshCommand for that host only; ssh's own configuration (~/.ssh/config: Port, User,
 * ProxyJump, ...) still applies, the command-line options above win over it. Hosts without a
 * key keep the user's ssh set-up untouched.
 *
 * The host is the remote URL's as modgate sees it (before the user's git `insteadOf`
 * rewriting). The most specific entry wins: `host:port`, then `host`, then the longest
 * `*.domain`, then `*`; for two entries with the same HOST the first wins.
 */
export class SshIdentities {
  private readonly entries: ReadonlyArray<{ pattern: SshHostPattern; path: string }>;
  private readonly knownHosts: string;
  private readonly checking: SshHostKeyChecking;
  private readonly connectTimeout: number;

  constructor(options: SshIdentityOptions) {
    const entries: Array<{ pattern: SshHostPattern; path: string }> = [];
    for (const e of options.keys) {
      const pattern = parseSshHostPattern(e.host);
      if (pattern === undefined)
        throw new Error(`ssh key entry: bad host ${JSON.stringify(e.host)}`);
      entries.push({ pattern, path: e.path });
    }
    this.entries = entries;
    this.knownHosts = options.knownHosts ?? '';
    this.checking = options.hostKeyChecking ?? 'strict';
    this.connectTimeout = sshConnectTimeout(options.connectTimeoutSeconds);
  }

  get size(): number {
    return this.entries.length;
  }

  /** The key file for an ssh remote URL, if one is configured for its host. */
  keyFor(url: string): string | undefined {
    const host = sshHostOf(url);
    if (host === undefined) return undefined;
    let best: { score: number; path: string } | undefined;
    for (const { pattern, path } of this.entries) {
      const score = matchScore(pattern, host);
      if (score > 0 && (best === undefined || score > best.score)) best = { score, path };
    }
    return best?.path;
  }

  /** The ssh set-up for a git command against `url`; undefined = the user's ssh as is. */
  forUrl(url: string): SshSetup | undefined {
    const keyPath = this.keyFor(url);
    if (keyPath === undefined) return undefined;
    const words = [
      'ssh',
      '-i',
      keyPath,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'ControlMaster=no',
      '-o',
      'ControlPath=none',
      '-o',
      `StrictHostKeyChecking=${this.checking === 'strict' ? 'yes' : 'accept-new'}`,
      '-o',
      `ConnectTimeout=${this.connectTimeout}`,
      ...(this.knownHosts === '' ? [] : ['-o', `UserKnownHostsFile="${this.knownHosts}"`]),
    ];
    return {
      command: words.map(shellQuote).join(' '),
      keyPath,
      knownHosts: this.knownHosts === '' ? defaultKnownHosts() : this.knownHosts,
    };
  }

  /** Hosts with keys (no paths): for diagnostics. */
  toJSON(): { hosts: string[] } {
    return {
      hosts: this.entries.map(({ pattern: p }) =>
        p.suffix
          ? `*${p.name}`
          : p.name === ''
            ? '*'
            : p.port === ''
              ? p.name
              : `${p.name}:${p.port}`,
      ),
    };
  }
}

/** A whole number of seconds ≥ 1 for ssh's ConnectTimeout (the default when not given). */
export function sshConnectTimeout(seconds: number | undefined): number {
  if (seconds === undefined) return DEFAULT_SSH_CONNECT_TIMEOUT_SECONDS;
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`ssh connect timeout: ${seconds} is not a positive number of seconds`);
  }
  return Math.max(1, Math.ceil(seconds));
}

/** ssh's own user known_hosts file (it also reads the system-wide one). */
export function defaultKnownHosts(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

function matchScore(p: SshHostPattern, host: { name: string; port: string }): number {
  if (p.suffix) return host.name.endsWith(p.name) ? 1 + p.name.length : 0;
  if (p.name === '') return 1;
  if (p.name !== host.name) return 0;
  if (p.port === '') return 1_000_000;
  return p.port === host.port ? 2_000_000 : 0;
}
