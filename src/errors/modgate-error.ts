/**
 * The one error type that crosses layers. Every failure the proxy can report carries a `kind`;
 * adapters (HTTP upstreams, git, storage backends) convert foreign errors into one of these at
 * their boundary, and exactly one function (`http/status-for-error.ts`) maps kinds to HTTP
 * statuses.
 *
 * Kinds and what they mean to a GOPROXY client:
 * - `not-found`, `gone`: "not here" — 404/410, the go command falls through a `,` list.
 * - `invalid`: the request itself is malformed (bad path, bad version) — 400.
 * - `forbidden`: policy refused it — 403, the go command stops.
 * - `upstream`: an upstream answered badly or not at all — 502.
 * - `timeout`: an upstream did not answer in time — 504.
 * - `too-large`: content over a size limit — 502 when it came from upstream.
 * - `checksum`: content failed verification (zip rules, h1, checksum database) — 502.
 * - `unavailable`: this server cannot serve right now (shutting down, storage not ready) — 503.
 * - `internal`: a bug or an unexpected local failure — 500.
 */
export type ErrorKind =
  | 'not-found'
  | 'gone'
  | 'invalid'
  | 'forbidden'
  | 'upstream'
  | 'timeout'
  | 'too-large'
  | 'checksum'
  | 'unavailable'
  | 'internal';

export class ModgateError extends Error {
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = 'ModgateError';
  }
}

export function notFound(message: string, cause?: unknown): ModgateError {
  return new ModgateError('not-found', message, { cause });
}

export function invalid(message: string, cause?: unknown): ModgateError {
  return new ModgateError('invalid', message, { cause });
}

export function upstreamError(message: string, cause?: unknown): ModgateError {
  return new ModgateError('upstream', message, { cause });
}

/** The kind of any thrown value: foreign errors are `internal` unless they are aborts. */
export function errorKind(err: unknown): ErrorKind {
  if (err instanceof ModgateError) return err.kind;
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return 'timeout';
  }
  return 'internal';
}

/**
 * The predicate behind `,` fall-through in an upstream chain (cmd/go: errors.Is(err,
 * fs.ErrNotExist)): 404 and 410 answers, and "no such module/version" from any source.
 */
export function isNotFound(err: unknown): boolean {
  const kind = errorKind(err);
  return kind === 'not-found' || kind === 'gone';
}
