import { objectBytes, ownedString, stringBytes } from '../../../cache/index.js';
import { ModgateError, type ErrorKind } from '../../../errors/index.js';
import type { GoGetPage } from './go-get-fetch.js';
import type { RepoRoot } from './repo-root.js';

/**
 * What the repository resolver remembers of an answer, and what that costs: its caches are
 * bounded by bytes (BoundedCache), so a client asking for many distinct module paths cannot
 * grow them past their budgets.
 *
 * A failure is kept as a new ModgateError of the same kind and message, with no stack trace
 * and no cause: the original's captured stack and cause chain (an HTTP response, a parser
 * error) can hold kilobytes, and a remembered failure is only ever rethrown, where its kind
 * (the status) and message (the body) are all that reach the client.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error };

/**
 * Default budget of the resolved-path cache: 4 MiB. An answer accounts for ~400–600 bytes
 * (module path, root, URL, bookkeeping), so ~8,000 module paths are remembered for the
 * positive lifetime (5 min): more private module paths than most organisations have, and a
 * path that was evicted costs one discovery request.
 */
export const RESOLVED_PATHS_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Default budget of the go-get page cache: 2 MiB. Pages are kept only for the negative
 * lifetime (30 s), to share a prefix's page between the module paths under it while they
 * resolve together; a page accounts for its URL and go-import tags (~500 bytes).
 */
export const DISCOVERY_PAGES_MAX_BYTES = 2 * 1024 * 1024;

/**
 * A failure as it is remembered: same kind and message, no stack, no cause. A foreign error
 * (not a ModgateError) becomes `foreignKind`, the kind its callers would give it anyway.
 */
export function rememberedFailure(err: unknown, foreignKind: ErrorKind): Error {
  const kind = err instanceof ModgateError ? err.kind : foreignKind;
  const message = ownedString(err instanceof Error ? err.message : String(err));
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new ModgateError(kind, message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A page as it is remembered: its strings owned, its parse error without a stack. */
export function rememberedPage(page: GoGetPage): GoGetPage {
  return {
    url: ownedString(page.url),
    status: page.status,
    imports: page.imports.map((i) => ({
      prefix: ownedString(i.prefix),
      vcs: ownedString(i.vcs),
      repoRoot: ownedString(i.repoRoot),
    })),
    parseError:
      page.parseError === undefined ? undefined : plainError(ownedString(page.parseError.message)),
  };
}

/** A resolved repository as it is remembered: its strings owned. */
export function rememberedRoot(root: RepoRoot): RepoRoot {
  return { ...root, root: ownedString(root.root), url: ownedString(root.url) };
}

export function rootOutcomeBytes(o: Outcome<RepoRoot>): number {
  return (
    objectBytes(2) +
    (o.ok
      ? objectBytes(4) + stringBytes(o.value.root) + stringBytes(o.value.url)
      : errorBytes(o.error))
  );
}

export function pageOutcomeBytes(o: Outcome<GoGetPage>): number {
  if (!o.ok) return objectBytes(2) + errorBytes(o.error);
  const page = o.value;
  let bytes = objectBytes(2) + objectBytes(4) + stringBytes(page.url);
  bytes += objectBytes(page.imports.length);
  for (const i of page.imports) {
    bytes += objectBytes(3) + stringBytes(i.prefix) + stringBytes(i.vcs) + stringBytes(i.repoRoot);
  }
  if (page.parseError !== undefined) bytes += errorBytes(page.parseError);
  return bytes;
}

/** An error made by rememberedFailure / plainError: the object, its message and its one-line stack. */
function errorBytes(err: Error): number {
  return objectBytes(4) + 2 * stringBytes(err.message) + stringBytes(err.name);
}

function plainError(message: string): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new Error(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
