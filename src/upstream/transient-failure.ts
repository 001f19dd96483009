import { ModgateError, errorKind } from '../errors/index.js';

/**
 * Whether a failed upstream call may succeed if tried again: what retries retry and what the
 * circuit breaker counts (issue 11). True for
 * - `timeout`: a connect or exchange deadline passed, or the upstream went silent;
 * - `upstream` with a cause: the transport failed — connection refused or reset, DNS, TLS, a
 *   body cut short (transportError and bodyError keep the socket error as the cause; git and
 *   go-import discovery failures keep theirs);
 * - `upstream` naming a 5xx status: ProxyUpstream writes an HTTP error as `<label>: <status>`
 *   followed by `: <excerpt>` or nothing.
 * False for answers (not found, gone), for content the upstream did send and that was refused
 * (an invalid .info, a non-go.mod, another version than asked: `upstream` without a cause),
 * checksum mismatches, size limits, other 4xx statuses, policy refusals and local failures:
 * trying again would fetch the same refusal.
 */
export function isTransientFailure(err: unknown): boolean {
  const kind = errorKind(err);
  if (kind === 'timeout') return true;
  if (kind !== 'upstream' || !(err instanceof ModgateError)) return false;
  if (err.cause !== undefined) return true;
  // The first `: <3 digits>` ending there or followed by `: ` is the status: a label (a URL,
  // a module path, a file name) never contains one, an excerpt after it may.
  const status = STATUS.exec(err.message)?.[1];
  return status !== undefined && status.startsWith('5');
}

const STATUS = /: (\d{3})(?:: |$)/;
