/**
 * Whether `s` is `prefix` or starts with `prefix` followed by `/` (cmd/go str.HasPathPrefix):
 * `example.com/user/foo` is a path prefix of `example.com/user/foo/bar` but not of
 * `example.com/user/fooa`. A prefix ending in `/` is a plain string prefix; `''` is a prefix
 * of everything.
 */
export function hasPathPrefix(s: string, prefix: string): boolean {
  if (s.length === prefix.length) return s === prefix;
  if (prefix === '') return true;
  if (s.length > prefix.length) {
    if (prefix.endsWith('/')) return s.startsWith(prefix);
    return s[prefix.length] === '/' && s.startsWith(prefix);
  }
  return false;
}
