/**
 * The credentials the go command sends with a request (cmd/go/internal/web, auth): for an https
 * URL, the first complete `.netrc` entry whose machine is the URL's host name ($NETRC, else
 * ~/.netrc; parsed as cmd/go/internal/auth/netrc.go does), which takes precedence over
 * user:password in the URL itself. Plain-http URLs never get .netrc credentials.
 *
 * The secret only ever lives in the Authorization header value handed to the request; what is
 * reported is where it came from. (The credentials layer's parse-netrc.ts reads the same file
 * for its checks and deliberately drops passwords, so the two parsers stay apart.)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DoctorContext } from '../../doctor-context.js';

export interface GoCredentials {
  /** The `Authorization` header value (a secret: never print it). */
  header: string;
  /** Where it came from, for the report: `~/.netrc (machine HOST)` or `the URL`. */
  source: string;
}

export async function goCredentials(
  ctx: DoctorContext,
  url: URL,
): Promise<GoCredentials | undefined> {
  if (url.protocol === 'https:') {
    const path = ctx.env.NETRC || join(ctx.env.HOME || ctx.home, '.netrc');
    const data = await readFile(path, 'utf8').catch(() => undefined);
    const entry = data === undefined ? undefined : netrcEntry(data, url.hostname);
    if (entry !== undefined) {
      return {
        header: basic(entry.login, entry.password),
        source: `${path} (machine ${url.hostname})`,
      };
    }
  }
  if (url.username !== '' || url.password !== '') {
    return {
      header: basic(decodeURIComponent(url.username), decodeURIComponent(url.password)),
      source: 'the URL',
    };
  }
  return undefined;
}

function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** Go's parseNetrc, keeping only the first complete entry for `host`. */
function netrcEntry(data: string, host: string): { login: string; password: string } | undefined {
  let cur = { machine: '', login: '', password: '' };
  let inMacro = false;
  for (const line of data.split('\n')) {
    if (inMacro) {
      if (line === '') inMacro = false;
      continue;
    }
    const f = line.split(/\s+/).filter((t) => t !== '');
    let i = 0;
    for (; i < f.length - 1; i += 2) {
      const value = f[i + 1]!;
      if (f[i] === 'machine') cur = { machine: value, login: '', password: '' };
      else if (f[i] === 'login') cur.login = value;
      else if (f[i] === 'password') cur.password = value;
      else if (f[i] === 'macdef') inMacro = true;
      if (cur.machine !== '' && cur.login !== '' && cur.password !== '') {
        if (cur.machine === host) return { login: cur.login, password: cur.password };
        cur = { machine: '', login: '', password: '' };
      }
    }
    // Only a `default` left unpaired at the end of a line ends the file (Go's parser, quirks included).
    if (i < f.length && f[i] === 'default') break;
  }
  return undefined;
}
