/**
 * Hiding the password of a `user:password@host` URL before it goes into an error message or a
 * log line (as Go's url.URL.Redacted does, with `xxxxx`). Works on strings that do not parse
 * as URLs too, erring on the side of hiding too much: everything between `://` and the last
 * `@` after it, except the user name, is replaced.
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('://');
  if (start < 0) return redactAuthority(url, 0);
  return redactAuthority(url, start + 3);
}

function redactAuthority(url: string, from: number): string {
  const at = url.lastIndexOf('@');
  if (at < from) return url;
  const userinfo = url.slice(from, at);
  const colon = userinfo.indexOf(':');
  if (colon < 0) return url;
  return url.slice(0, from) + userinfo.slice(0, colon) + ':xxxxx' + url.slice(at);
}
