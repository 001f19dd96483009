/**
 * git's scp-like remote syntax, `[user@]host:path` (git-clone(1) "GIT URLS"; connect.c
 * parse_connect_url, host_end, get_host_and_port; transport.c for `<helper>::`):
 * - it is scp-like when there is no `://`, there is a colon, and no slash comes before the
 *   first colon (otherwise git reads a local path);
 * - the host may be bracketed, with a port inside: `[host:port]:path`, `user@[host:port]:path`,
 *   `[user@host:port]:path`, and `[v6addr]:path`;
 * - the path goes to `git-upload-pack` as written: `host:org/repo` is relative to the login
 *   directory, `host:/srv/repo` absolute, `host:~user/repo` under a home directory. So an
 *   scp-like URL is NOT `ssh://host/path` (that path is always absolute) and modgate passes it
 *   to git unchanged; only the host (for ssh keys, limits and messages) is read from it.
 *
 * Refused: `<name>::<address>` (git would run the remote helper `git-remote-<name>`), a host or
 * path beginning with `-` (it could reach ssh or git-upload-pack as an option; git refuses
 * them too), an empty host or path, white space and control characters.
 */

export interface ScpLikeUrl {
  /** The user name before `@` (`''` for none). */
  user: string;
  /** Lower-case host name or address, without brackets. */
  host: string;
  /** `''` = ssh's default (22 or ~/.ssh/config). */
  port: string;
  /** The path exactly as git passes it to git-upload-pack. */
  path: string;
}

/** The parts of a scp-like git URL; undefined when git would not read `url` as one. */
export function parseScpLike(url: string): ScpLikeUrl | undefined {
  if (url.includes('://')) return undefined;
  if (/[\s\x00-\x1f\x7f]/.test(url)) return undefined;
  const colon = url.indexOf(':');
  const slash = url.indexOf('/');
  if (colon <= 0 || (slash >= 0 && slash < colon)) return undefined;
  let hostPart: string;
  let rest: string;
  const at = url.indexOf('@[');
  const open = url.startsWith('[') ? 0 : at >= 0 && at < colon ? at + 1 : -1;
  if (open >= 0) {
    const close = url.indexOf(']', open);
    if (close < 0 || url[close + 1] !== ':') return undefined;
    hostPart = url.slice(0, close + 1);
    rest = url.slice(close + 2);
  } else {
    hostPart = url.slice(0, colon);
    rest = url.slice(colon + 1);
  }
  // `name::address` is a remote helper, not a host.
  if (rest.startsWith(':')) return undefined;
  if (rest === '' || rest.startsWith('-')) return undefined;

  let user = '';
  let host = hostPart;
  let port = '';
  const bracket = /^(?:([^@[\]]*)@)?\[([^\]]*)\]$/.exec(hostPart);
  if (bracket !== null) {
    user = bracket[1] ?? '';
    let inner = bracket[2] ?? '';
    const innerAt = inner.lastIndexOf('@');
    if (innerAt >= 0) {
      if (user !== '') return undefined;
      user = inner.slice(0, innerAt);
      inner = inner.slice(innerAt + 1);
    }
    // One colon followed by digits is a port; more colons: an IPv6 address.
    const hp = /^([^:]+):(\d{1,5})$/.exec(inner);
    if (hp !== null) {
      host = hp[1] ?? '';
      port = hp[2] ?? '';
      if (Number(port) > 65535) return undefined;
    } else {
      host = inner;
    }
  } else {
    if (/[[\]]/.test(hostPart)) return undefined;
    const a = hostPart.lastIndexOf('@');
    if (a >= 0) {
      user = hostPart.slice(0, a);
      host = hostPart.slice(a + 1);
    }
  }
  if (host === '' || host.startsWith('-') || user.startsWith('-')) return undefined;
  return { user, host: host.toLowerCase(), port: port === '22' ? '' : port, path: rest };
}
