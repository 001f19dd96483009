/**
 * Whether `s` is `prefix` or starts with `prefix` followed by `/` (cmd/go str.HasPathPrefix,
 * cmd/go/internal/str/path.go): `example.com/user/foo` is a path prefix of
 * `example.com/user/foo/bar` but not of `example.com/user/fooa`. A prefix ending in `/` is a
 * plain string prefix; `''` is a path prefix of everything.
 *
 * cmd/go's modfetch/coderepo.go has a private copy that differs only for an empty prefix (a
 * prefix of nothing but `''`); modgate keeps the one exported rule, and code-repo-layout
 * refuses an empty repository root itself.
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
