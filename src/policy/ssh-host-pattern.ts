/**
 * The HOST of a `direct.ssh_keys` entry (`HOST=PATH`): which ssh remotes a key is for. Pure
 * syntax, shared by configuration validation and the git adapter that picks the key.
 */
export interface SshHostPattern {
  /** Lower-case host name without brackets; `''` for `*`. */
  name: string;
  /** `''` = any port. */
  port: string;
  /** `*.domain`: `name` is `.domain`. */
  suffix: boolean;
}

/**
 * Parses the HOST of an `ssh_keys` entry; undefined when it is not one of the accepted forms
 * (`host`, `host:port`, `[v6]`, `[v6]:port`, `*.domain`, `*`).
 */
export function parseSshHostPattern(host: string): SshHostPattern | undefined {
  const h = host.trim().toLowerCase();
  if (h === '*') return { name: '', port: '', suffix: false };
  if (h.startsWith('*.')) {
    const rest = h.slice(1);
    return /^(\.[a-z0-9_-]+)+$/.test(rest) ? { name: rest, port: '', suffix: true } : undefined;
  }
  const m = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9_.-]+))(?::(\d{1,5}))?$/.exec(h);
  if (m === null) return undefined;
  const port = m[3] ?? '';
  if (port !== '' && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  return { name: m[1] ?? m[2] ?? '', port: port === '22' ? '' : port, suffix: false };
}
