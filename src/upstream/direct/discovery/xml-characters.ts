/**
 * The character classes of XML 1.0 as Go's encoding/xml applies them (xml.go `isNameByte`,
 * `isName`, `isInCharacterRange`, the non-strict unquoted attribute value), for the lenient
 * tokenizer. Bytes are tested as bytes, names and text as decoded code points — the tokenizer
 * works on bytes so that its errors and UTF-8 checks fall where Go's do.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

// XML 1.0 name characters (Go's `first` and `second` tables), approximated with Unicode
// properties: letters (and `_`, `:`) start a name; digits, marks, `.`, `-` and `·` may follow.
const NAME_FIRST = /^[\p{L}\p{Nl}_:]$/u;
const NAME_NEXT = /^[\p{L}\p{Nl}_:\p{Nd}\p{Mn}\p{Mc}\p{Lm}.\-\u00b7]$/u;

/** An ASCII byte that may be part of a name: letters, digits, `_`, `:`, `.`, `-`. */
export function isNameByte(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x5f ||
    c === 0x3a ||
    c === 0x2e ||
    c === 0x2d
  );
}

/** A byte of an unquoted attribute value (non-strict, HTML 4): a name byte other than `.`. */
export function isUnquotedValueByte(c: number): boolean {
  return c !== 0x2e && isNameByte(c);
}

/** A digit of a numeric character reference in `base` (10 or 16). */
export function isDigitIn(b: number, base: number): boolean {
  if (b >= 0x30 && b <= 0x39) return true;
  return base === 16 && ((b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46));
}

/** Whether `s` is an XML name (non-empty, a name start character then name characters). */
export function isName(s: string): boolean {
  let first = true;
  for (const ch of s) {
    if (!(first ? NAME_FIRST : NAME_NEXT).test(ch)) return false;
    first = false;
  }
  return !first;
}

/** The bytes as UTF-8 text, or null when they are not valid UTF-8. */
export function decodeUtf8(bytes: readonly number[]): string | null {
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
}

/** XML 1.0's Char production: tab, newline, carriage return and most of Unicode. */
export function isInCharacterRange(r: number): boolean {
  return (
    r === 0x09 ||
    r === 0x0a ||
    r === 0x0d ||
    (r >= 0x20 && r <= 0xd7ff) ||
    (r >= 0xe000 && r <= 0xfffd) ||
    (r >= 0x10000 && r <= 0x10ffff)
  );
}

/** Go's string(rune(n)): surrogates become U+FFFD. */
export function codePointToString(n: number): string {
  if (n >= 0xd800 && n <= 0xdfff) return '\ufffd';
  return String.fromCodePoint(n);
}

/** Bytes as Latin-1 text: one character per byte, for ASCII-only syntax. */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
