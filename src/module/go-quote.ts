/**
 * Go's `%q` formatting (strconv.Quote / strconv.QuoteRune), so that error messages read
 * exactly like the go command's: `malformed module path "x.y\\z": invalid char '\\'`.
 *
 * A lone UTF-16 surrogate — the only way a JS string can be malformed, and our stand-in for
 * Go's invalid UTF-8 — is shown as `\udXXX`.
 */

/** `s` in double quotes with Go's escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += quoteChar(ch, '"');
  return out + '"';
}

/** The single character (code point) `ch` in single quotes with Go's escapes. */
export function goQuoteRune(ch: string): string {
  return `'${quoteChar(ch, "'")}'`;
}

const namedEscapes: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function quoteChar(ch: string, quote: string): string {
  if (ch === quote || ch === '\\') return '\\' + ch;
  if (ch === ' ' || printable.test(ch)) return ch;
  const named = namedEscapes[ch];
  if (named !== undefined) return named;
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex(cp, 2);
  if (cp < 0x10000) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
