/**
 * .netrc as the go command reads it (cmd/go/internal/auth/netrc.go): whitespace-separated
 * `machine NAME login USER password SECRET` tokens; an entry counts only once it has all three;
 * `macdef` skips lines up to the next empty line; `default` ends the file (the go command
 * ignores it — git's curl honours it). Passwords are dropped unless the caller asks for them
 * (`keepPasswords`: network/go-credentials.ts, which sends them as the go command would and
 * never prints them); the checks that report on the file never see a secret.
 */

export interface NetrcEntry {
  machine: string;
  /** The login name (shown only as `***`: a login can be a token). */
  login: string;
  /** Only with `keepPasswords` (a secret: never print it). */
  password?: string;
}

export interface Netrc {
  /** Complete entries (machine, login and password), in file order. */
  entries: NetrcEntry[];
  /** Machines named without a login or a password: the go command ignores them. */
  incomplete: string[];
  /** Whether a `default` entry ends the file (used by git's curl, not by the go command). */
  hasDefault: boolean;
}

export function parseNetrc(data: string, options: { keepPasswords?: boolean } = {}): Netrc {
  const entries: NetrcEntry[] = [];
  const incomplete: string[] = [];
  let hasDefault = false;
  let cur: { machine: string; login: string; password: string } | undefined;
  const flush = (): void => {
    if (cur !== undefined && cur.machine !== '') incomplete.push(cur.machine);
    cur = undefined;
  };
  let inMacro = false;
  lines: for (const line of data.split('\n')) {
    if (inMacro) {
      if (line === '' || line === '\r') inMacro = false;
      continue;
    }
    const f = line.split(/\s+/).filter((t) => t !== '');
    let i = 0;
    for (; i < f.length - 1; i += 2) {
      const key = f[i];
      const value = f[i + 1] ?? '';
      if (key === 'machine') {
        flush();
        cur = { machine: value, login: '', password: '' };
      } else if (key === 'default') {
        hasDefault = true;
        break;
      } else if (key === 'login') {
        cur ??= { machine: '', login: '', password: '' };
        cur.login = value;
      } else if (key === 'password') {
        cur ??= { machine: '', login: '', password: '' };
        cur.password = value;
      } else if (key === 'macdef') {
        inMacro = true;
      }
      if (cur !== undefined && cur.machine !== '' && cur.login !== '' && cur.password !== '') {
        const { machine, login, password } = cur;
        entries.push(options.keepPasswords ? { machine, login, password } : { machine, login });
        cur = undefined;
      }
    }
    if (hasDefault || f[i] === 'default') {
      hasDefault = true;
      break lines;
    }
  }
  flush();
  return { entries, incomplete, hasDefault };
}
