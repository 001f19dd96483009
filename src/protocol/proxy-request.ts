import { invalid } from '../errors/index.js';
import { canonicalVersion, check, unescapePath, unescapeVersion } from '../module/index.js';

/** The longest request path modgate accepts (raw, before decoding). */
export const MAX_REQUEST_PATH = 2048;

/**
 * One parsed GOPROXY protocol request. `modulePath` and `version` are unescaped (real
 * upper-case letters); `escapedPath` / `escapedVersion` are the canonical `!`-escaped forms
 * used as storage keys and upstream URLs.
 */
export type ProxyRequest =
  | { kind: 'list'; modulePath: string; escapedPath: string }
  | { kind: 'latest'; modulePath: string; escapedPath: string }
  | {
      kind: 'info';
      modulePath: string;
      escapedPath: string;
      /** The requested revision: a canonical version, or any query (branch, hash, v1.2...). */
      version: string;
      escapedVersion: string;
      /** True when `version` is canonical and valid for the path: the answer is immutable. */
      canonical: boolean;
    }
  | ({ kind: 'mod' } & VersionedFile)
  | ({ kind: 'zip' } & VersionedFile);

/** The fields of a `.mod` / `.zip` request: always a canonical version. */
export interface VersionedFile {
  modulePath: string;
  escapedPath: string;
  version: string;
  escapedVersion: string;
}

/**
 * Parses the path of a GOPROXY request (`/<module>/@v/list`, `/<module>/@v/<v>.info|.mod|.zip`,
 * `/<module>/@latest`) relative to the proxy's base.
 *
 * Order matters and follows the go command (modfetch/proxy.go): the client percent-encodes
 * each path segment (`!` arrives as `%21`), so each segment is percent-decoded first and only
 * then `!`-unescaped. A segment that decodes to something containing `/`, `\` or NUL (encoded
 * slashes, traversal tricks) is refused, as are `.`/`..` segments and over-long paths.
 *
 * Returns null when the path is not in the GOPROXY URL space at all (no `@v`/`@latest`), so
 * the caller can answer 404; throws ModgateError `invalid` when it is, but malformed.
 */
export function parseProxyPath(rawPath: string): ProxyRequest | null {
  if (rawPath.length > MAX_REQUEST_PATH) {
    throw invalid(`request path too long (max ${MAX_REQUEST_PATH} bytes)`);
  }
  if (!rawPath.startsWith('/')) throw invalid('request path must start with /');
  const segments = rawPath.slice(1).split('/').map(decodeSegment);

  const last = segments[segments.length - 1];
  if (last === '@latest') {
    const modulePath = modulePathOf(segments.slice(0, -1));
    return { kind: 'latest', modulePath, escapedPath: segments.slice(0, -1).join('/') };
  }
  if (segments.length < 3 || segments[segments.length - 2] !== '@v' || last === undefined) {
    if (segments.includes('@v') || segments.includes('@latest')) {
      throw invalid('malformed GOPROXY request path');
    }
    return null;
  }
  const escapedPath = segments.slice(0, -2).join('/');
  const modulePath = modulePathOf(segments.slice(0, -2));
  if (last === 'list') return { kind: 'list', modulePath, escapedPath };

  const dot = last.lastIndexOf('.');
  const ext = dot >= 0 ? last.slice(dot + 1) : '';
  const escapedVersion = dot >= 0 ? last.slice(0, dot) : '';
  if (ext !== 'info' && ext !== 'mod' && ext !== 'zip') {
    throw invalid(`unknown GOPROXY file "${last}" (want list, <version>.info, .mod or .zip)`);
  }
  if (escapedVersion === '') throw invalid('missing version');
  const version = unescapeVersion(escapedVersion);
  const canonical = isCanonicalFor(modulePath, version);
  if (ext === 'info') {
    return { kind: 'info', modulePath, escapedPath, version, escapedVersion, canonical };
  }
  if (!canonical) {
    throw invalid(
      `version "${version}" is not canonical for ${modulePath}: .${ext} files are only served for canonical versions (query ${modulePath}/@v/${escapedVersion}.info to resolve it)`,
    );
  }
  const file = { modulePath, escapedPath, version, escapedVersion };
  return ext === 'mod' ? { kind: 'mod', ...file } : { kind: 'zip', ...file };
}

function decodeSegment(segment: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw invalid('malformed percent-encoding in request path');
  }
  if (decoded === '' || decoded === '.' || decoded === '..') {
    throw invalid('request path has an empty, "." or ".." element');
  }
  if (/[/\\\0]/.test(decoded)) {
    throw invalid('request path element contains an encoded slash, backslash or NUL');
  }
  return decoded;
}

function modulePathOf(escapedSegments: string[]): string {
  if (escapedSegments.length === 0) throw invalid('missing module path');
  return unescapePath(escapedSegments.join('/'));
}

/** A version whose files are immutable: canonical and acceptable for the module path. */
export function isCanonicalFor(modulePath: string, version: string): boolean {
  if (canonicalVersion(version) !== version) return false;
  try {
    check(modulePath, version);
    return true;
  } catch {
    return false;
  }
}
