/**
 * Hiding URL credentials before a URL, or a text holding URLs, goes into an error message, a
 * log line or a displayed configuration — the one redaction rule of modgate.
 *
 * For every `scheme://userinfo@host` in the text, the whole userinfo becomes `xxxxx`
 * (`https://xxxxx@host`): the password, and the user name too — code hosts accept a token as
 * the user name (`https://<token>@github.com`), and a bot's name says which credential leaked.
 * Only an ssh login is kept (`ssh://git@host`, `git+ssh://…`: authentication is by key), with
 * any password hidden as Go's url.URL.Redacted does (`ssh://git:xxxxx@host`).
 * A text with no `://` at all is read as one scheme-less URL: `user:password@host/path` is
 * hidden the same way, while a lone `user@` stays — that is scp-like git syntax
 * (`git@host:path`).
 *
 * The authority ends at white space, `/`, `?`, `#`, a quote or `<>`, or where the next URL
 * starts (`https://a:b@x,https://c@y` in a GOPROXY list); its last `@` ends the userinfo, so
 * a raw `@` in a password (`bob:p@w@host`) is hidden too. The rule errs on the side of hiding
 * too much; it never needs the text to parse as a URL.
 */

const SCHEME = /[a-z][a-z0-9+.-]*:\/\//gi;
const AUTHORITY_END = /[\s/?#"'<>\\]/;
const HIDDEN = 'xxxxx';

export function redactUrl(text: string): string {
  const starts = [...text.matchAll(SCHEME)];
  if (starts.length === 0) return redactAuthority(text, 0, text.length, 'schemeless');
  let out = text.slice(0, starts[0]!.index);
  for (let i = 0; i < starts.length; i++) {
    const m = starts[i]!;
    const from = m.index + m[0].length;
    const to = i + 1 < starts.length ? starts[i + 1]!.index : text.length;
    const scheme = m[0].slice(0, -3).toLowerCase();
    out += m[0] + redactAuthority(text.slice(from, to), 0, to - from, scheme);
  }
  return out;
}

/** `text` with the userinfo of the authority starting at `from` (and ending by `to`) hidden. */
function redactAuthority(text: string, from: number, to: number, scheme: string): string {
  const rest = text.slice(from, to);
  const endMatch = AUTHORITY_END.exec(rest);
  const authority = endMatch === null ? rest : rest.slice(0, endMatch.index);
  const at = authority.lastIndexOf('@');
  if (at < 0) return text;
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  const ssh = scheme === 'ssh' || scheme === 'git+ssh';
  let shown: string;
  if (ssh) shown = colon >= 0 ? `${userinfo.slice(0, colon)}:${HIDDEN}` : userinfo;
  else if (scheme === 'schemeless' && colon < 0) shown = userinfo;
  else shown = HIDDEN;
  return text.slice(0, from) + shown + text.slice(from + at);
}
