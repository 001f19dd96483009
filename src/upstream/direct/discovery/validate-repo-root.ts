/**
 * Checks on the repository URL a go-import tag names (cmd/go vcs.go validateRepoRoot): it must
 * parse as a URL with a scheme, and the scheme must not be `file` — a web page must not point
 * the server at its own disk.
 *
 * The scheme rule is Go's url.Parse: a letter, then letters, digits, `+`, `-` or `.`, then `:`.
 * `-config://` has no valid scheme (and so cannot smuggle an option into a VCS command line).
 */
import { ModgateError } from '../../../errors/index.js';

/** The URL's scheme in lower case; throws ModgateError `not-found` with Go's reason. */
export function validateRepoRoot(repoRoot: string): string {
  const scheme = goUrlScheme(repoRoot);
  if (scheme === '') throw new ModgateError('not-found', 'no scheme');
  if (scheme === 'file') throw new ModgateError('not-found', 'file scheme disallowed');
  return scheme;
}

/**
 * The scheme Go's url.Parse would find ('' for none); throws for what url.Parse rejects at
 * the scheme stage (control characters, `:` first, a `#` fragment is cut off first).
 */
function goUrlScheme(raw: string): string {
  const hash = raw.indexOf('#');
  const s = hash >= 0 ? raw.slice(0, hash) : raw;
  // url.Parse rejects ASCII control characters anywhere.
  if (/[\x00-\x1f\x7f]/.test(raw)) {
    throw new ModgateError('not-found', 'invalid control character in URL');
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
    const other = (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
    if (letter) continue;
    if (other) {
      if (i === 0) return '';
      continue;
    }
    if (c === 0x3a /* : */) {
      if (i === 0) throw new ModgateError('not-found', 'missing protocol scheme');
      return s.slice(0, i).toLowerCase();
    }
    return '';
  }
  return '';
}
