/**
 * Splits `s` at the first `sep` into the text before and after it; without `sep`, returns
 * `[s, '']`. Keys are split field by field this way, never with `split('+')`: the base64 key
 * data can itself contain `+` (sum.golang.org's does).
 */
export function chop(s: string, sep: string): [before: string, after: string] {
  const i = s.indexOf(sep);
  if (i < 0) return [s, ''];
  return [s.slice(0, i), s.slice(i + sep.length)];
}
