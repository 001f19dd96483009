/** One `machine` entry of a .netrc file. */
export interface NetrcEntry {
  machine: string;
  login: string;
  password: string;
}

/**
 * Parses .netrc text the way cmd/go's auth/netrc.go does: whitespace-separated tokens,
 * `machine`/`login`/`password` pairs, `macdef` bodies skipped up to a blank line, and the
 * `default` entry ignored (sending one credential to every host is not something a server
 * should do on a guess). Entries without a password are dropped.
 */
export function parseNetrc(text: string): NetrcEntry[] {
  const out: NetrcEntry[] = [];
  let current: Partial<NetrcEntry> | undefined;
  let inDefault = false;
  const flush = (): void => {
    if (current?.machine !== undefined && current.password !== undefined) {
      out.push({
        machine: current.machine,
        login: current.login ?? '',
        password: current.password,
      });
    }
    current = undefined;
  };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const tokens = (lines[i] ?? '').split(/\s+/).filter((t) => t !== '');
    for (let j = 0; j < tokens.length; j++) {
      const tok = tokens[j];
      const next = (): string | undefined => tokens[++j];
      switch (tok) {
        case 'machine':
          flush();
          inDefault = false;
          current = { machine: next() };
          break;
        case 'default':
          flush();
          inDefault = true;
          break;
        case 'login':
          if (current && !inDefault) current.login = next();
          else next();
          break;
        case 'password':
          if (current && !inDefault) current.password = next();
          else next();
          break;
        case 'macdef':
          // The macro body runs to the next empty line.
          j = tokens.length;
          while (i + 1 < lines.length && (lines[i + 1] ?? '').trim() !== '') i++;
          break;
        default:
          break;
      }
    }
  }
  flush();
  return out;
}
