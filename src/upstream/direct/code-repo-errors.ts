/**
 * Errors of the code-repo layer, worded as the go command words them (x/mod ModuleError and
 * InvalidVersionError), so that a user reading a proxy's 404 body sees what `GOPROXY=direct`
 * would have printed:
 *
 *   example.com/m@v1.2.3: invalid version: unknown revision v1.2.3
 *   example.com/m@v1.0.1-0.2020…-abc: invalid pseudo-version: preceding tag (v1.0.0) not found
 *
 * Kinds: everything that means "this module has no such version" is `not-found` (a proxy
 * answers 404 and the go command treats the module or version as absent, which is what lets
 * it probe module-path prefixes for an import path); a zip that the commit's files can never
 * make is `gone` (zipCannotBeMade); failures of the code host keep their own kind
 * (`upstream`, `timeout`, `forbidden`, `too-large`).
 */
import { errorKind, ModgateError, type ErrorKind } from '../../errors/index.js';

/** The message of any thrown value. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The kind a code-host failure keeps when wrapped: a ModgateError's own kind, `timeout` for
 * aborts, `upstream` for anything else (a bug in a code host is still a failed upstream).
 */
export function codeHostKind(err: unknown): ErrorKind {
  const kind = errorKind(err);
  return kind === 'internal' ? 'upstream' : kind;
}

/** `path@version: invalid version: reason` (or `invalid pseudo-version`). */
export function invalidVersion(
  modulePath: string,
  version: string,
  reason: string,
  options: { pseudo?: boolean; kind?: ErrorKind; cause?: unknown } = {},
): ModgateError {
  const noun = options.pseudo === true ? 'pseudo-version' : 'version';
  return new ModgateError(
    options.kind ?? 'not-found',
    `${modulePath}@${version}: invalid ${noun}: ${reason}`,
    { cause: options.cause },
  );
}

/** A code-host failure wrapped as `path@version: invalid version: <its message>`, same kind. */
export function wrapRevisionError(modulePath: string, rev: string, err: unknown): ModgateError {
  return invalidVersion(modulePath, rev, errorText(err), { kind: codeHostKind(err), cause: err });
}

/** `module path: reason` (x/mod ModuleError without a version). */
export function moduleError(
  modulePath: string,
  reason: string,
  kind: ErrorKind,
  cause?: unknown,
): ModgateError {
  return new ModgateError(kind, `module ${modulePath}: ${reason}`, { cause });
}

/**
 * The zip of a version can never be made from its commit: the files refuse the x/mod/zip
 * rules (`create zip: readme: case-insensitive file name collision: "README" and "readme"`,
 * a go.mod or LICENSE over its limit, a tree over 500 MiB) or git's archive of the commit is
 * over 500 MiB (`downloaded zip file too large`). `message` is Go's own text, as
 * `GOPROXY=direct` prints it, and becomes the body the go command shows under "server
 * response:".
 *
 * `gone`, answered 410 Gone: the go command treats 404 and 410 alike (both are "not found",
 * a `,` GOPROXY list falls through to the next entry, `direct` included, which then fails the
 * same way); proxy.golang.org answers such versions with 404 or 410 and a `not found:` body.
 * Of the two, 410 is the one HTTP defines as "likely to be permanent" (RFC 9110 §15.5.11),
 * which is what this is — a commit's tree never changes — while this proxy's 404 keeps
 * meaning "no such version (yet)". Not a 502: nothing failed, and a retry gets the same
 * answer. Only the zip is refused: `.info` and `.mod` of the version are served, as in
 * direct mode.
 *
 * The service remembers it as any not-found answer, for `cache.not_found_ttl`, so repeated
 * requests do not rebuild the archive. Not longer: the memory is per process and lost on
 * restart anyway, a rebuild costs one local `git archive` and stops before a byte is
 * written, and a version whose `.info` was never stored is a tag that may still move to a
 * commit that makes a good zip (once `.info` is stored the commit is pinned and the answer
 * simply repeats). One knob, which the operator already sets for every "not found".
 */
export function zipCannotBeMade(message: string, cause?: unknown): ModgateError {
  return new ModgateError('gone', message, { cause });
}
