import { ModgateError, type ErrorKind } from '../../../errors/index.js';
import { GitCommandError } from './git-process.js';

/** Where a git command failed: named in the message so a person can act on it. */
export interface GitErrorContext {
  /** `host[:port]` of the remote. */
  host: string;
  /** What was being done, e.g. `git ls-remote https://host/repo` (no credentials). */
  what: string;
}

const NOT_FOUND = [
  /repository not found/i,
  /repository '[^']*' not found/i,
  /does not appear to be a git repository/i,
  /access denied or repository not exported/i, // git daemon
  /no such repository/i,
  /(?:returned error|http):?\s*(?:404|410)\b/i,
];

const AUTH = [
  /authentication failed/i,
  /could not read (?:username|password)/i,
  /terminal prompts disabled/i,
  /(?:returned error|http):?\s*40[13]\b/i,
  /permission denied \((?:publickey|keyboard-interactive|password)/i,
  /invalid username or (?:password|token)/i,
  /http basic: access denied/i,
];

const TIMED_OUT = [/timed? ?out/i];

const UNREACHABLE = [
  /could not resolve (?:host|hostname|proxy)/i,
  /name or service not known/i,
  /temporary failure in name resolution/i,
  /unable to look up/i,
  /connection refused/i,
  /unable to connect/i,
  /failed to connect/i,
  /network is unreachable/i,
  /no route to host/i,
  /connection reset/i,
  /ssl|tls|certificate/i,
];

/** ssh refused the server's host key: unknown (strict checking) or changed. */
const HOST_KEY = /host key verification failed/i;
const HOST_KEY_CHANGED = /remote host identification has changed|host key for \S+ has changed/i;

/**
 * The one place git failures become ModgateErrors (the CodeHost contract's error kinds):
 * - repository missing (404, "Repository not found", git daemon's "not exported") → `not-found`;
 * - authentication failures (401/403, "could not read Username", publickey) → `forbidden`,
 *   "authentication failed for <host>" — never a mysterious 404;
 * - ssh refusing the host's key → `upstream`, "host key verification failed for <host>",
 *   saying whether the key is unknown or changed and naming the known_hosts file;
 * - our own timeout, or git's "timed out" → `timeout`; DNS, refused connections, TLS →
 *   `upstream`; both name the host;
 * - anything else → `upstream` with the last line of git's stderr.
 * stderr was scrubbed of credentials when it was captured; other errors pass through as
 * ModgateErrors (kept) or `internal`.
 */
export function mapGitError(err: unknown, ctx: GitErrorContext): ModgateError {
  if (err instanceof ModgateError) return err;
  if (!(err instanceof GitCommandError)) {
    if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
      return new ModgateError(
        'timeout',
        `${ctx.what}: ${err.name === 'TimeoutError' ? 'timed out' : 'request aborted'}`,
        { cause: err },
      );
    }
    return new ModgateError('internal', `${ctx.what}: ${String(err)}`, { cause: err });
  }
  const make = (kind: ErrorKind, message: string): ModgateError =>
    new ModgateError(kind, message, { cause: err });
  const detail = lastLine(err.stderr);
  const suffix = detail === '' ? '' : `: ${detail}`;
  switch (err.failure) {
    case 'timeout':
      return make('timeout', `${ctx.what}: timed out talking to ${ctx.host}`);
    case 'aborted':
      return make('timeout', `${ctx.what}: request aborted`);
    case 'too-large':
      return make('too-large', `${ctx.what}: output over the size limit`);
    case 'spawn':
      return make(
        'internal',
        `cannot run git: ${String((err.cause as Error | undefined)?.message ?? err.cause)}`,
      );
    case 'exit':
      break;
  }
  const text = err.stderr;
  if (HOST_KEY.test(text)) {
    const file = err.knownHosts ?? 'the known_hosts files of the user running modgate';
    const why = HOST_KEY_CHANGED.test(text)
      ? `its key does not match the one recorded in ${file} (the key changed, or someone is in the way)`
      : err.knownHosts !== undefined
        ? `its key is not in ${file} and host key checking is strict (add it with ssh-keyscan after checking its fingerprint)`
        : `its key is not in ${file} (ssh runs in batch mode and cannot ask)`;
    return make('upstream', `host key verification failed for ${ctx.host} (${ctx.what}): ${why}`);
  }
  if (NOT_FOUND.some((re) => re.test(text))) {
    return make('not-found', `${ctx.what}: repository not found${suffix}`);
  }
  if (AUTH.some((re) => re.test(text))) {
    // The line that says why (ssh's "Permission denied (publickey)."), not git's closing
    // "...and the repository exists.".
    // ssh's `user@host: ` prefix is dropped (URLs in messages carry no user either).
    const why = matchingLine(text, AUTH).replace(/^[^\s@/]+@[^\s:]+:\s+(?=permission denied)/i, '');
    return make(
      'forbidden',
      `authentication failed for ${ctx.host} (${ctx.what})${why === '' ? suffix : `: ${why}`}`,
    );
  }
  if (TIMED_OUT.some((re) => re.test(text))) {
    return make('timeout', `${ctx.what}: timed out talking to ${ctx.host}${suffix}`);
  }
  if (UNREACHABLE.some((re) => re.test(text))) {
    return make('upstream', `cannot reach ${ctx.host} (${ctx.what})${suffix}`);
  }
  return make('upstream', `${ctx.what}: git failed (exit status ${err.exitCode})${suffix}`);
}

/** The first line of stderr matching one of `patterns`, trimmed and bounded ('' if none). */
function matchingLine(stderr: string, patterns: readonly RegExp[]): string {
  for (const raw of stderr.split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (patterns.some((re) => re.test(line))) return bounded(line);
  }
  return '';
}

function bounded(line: string): string {
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** The last non-empty line of git's stderr, trimmed and bounded. */
export function lastLine(stderr: string): string {
  const lines = stderr.split(/\r?\n|\r/).map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line !== undefined && line !== '') return bounded(line);
  }
  return '';
}
