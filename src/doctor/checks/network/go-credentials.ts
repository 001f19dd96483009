/**
 * The credentials the go command sends with a request (cmd/go/internal/web, auth): for an https
 * URL, the first complete `.netrc` entry whose machine is the URL's host name ($NETRC, else
 * ~/.netrc; parsed as cmd/go/internal/auth/netrc.go does), which takes precedence over
 * user:password in the URL itself. Plain-http URLs never get .netrc credentials.
 *
 * The secret only ever lives in the Authorization header value handed to the request; what is
 * reported is where it came from. The file is read by the credentials layer's parser
 * (parse-netrc.ts, asked to keep passwords), the URL's userinfo by protocol/basic-auth.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { basicAuthorization, urlUserinfo } from '../../../protocol/basic-auth.js';
import type { DoctorContext } from '../../doctor-context.js';
import { parseNetrc } from '../credentials/parse-netrc.js';

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
    const entry =
      data === undefined
        ? undefined
        : parseNetrc(data, { keepPasswords: true }).entries.find((e) => e.machine === url.hostname);
    if (entry !== undefined) {
      return {
        header: basicAuthorization(entry.login, entry.password ?? ''),
        source: `${path} (machine ${url.hostname})`,
      };
    }
  }
  if (url.username === '' && url.password === '') return undefined;
  const userinfo = urlUserinfo(url);
  return userinfo === undefined
    ? undefined
    : { header: basicAuthorization(userinfo.username, userinfo.password), source: 'the URL' };
}
