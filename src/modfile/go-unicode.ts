/**
 * Go's `unicode.IsSpace`, `unicode.IsPrint` and `bytes.TrimSpace`, which the go.mod lexer and
 * `ModulePath` use. JavaScript's `trim()` and `\s` differ from Go's definition (JS strips
 * U+FEFF, Go strips U+0085), so go.mod text must be handled with these instead.
 */

/** unicode.IsSpace: Latin-1 `\t \n \v \f \r`, space, U+0085, U+00A0, and Unicode White_Space. */
export function isGoSpace(c: number): boolean {
  if (c <= 0xff) {
    return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  }
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/**
 * unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space (no other
 * spaces, no controls, no format characters). Uses the JavaScript engine's Unicode tables,
 * which may be a version apart from Go's for newly assigned characters.
 */
export function isGoPrint(c: number): boolean {
  if (c < 0x80) return c >= 0x20 && c < 0x7f;
  return printable.test(String.fromCodePoint(c));
}

/** bytes.TrimSpace / strings.TrimSpace: drops leading and trailing Go white space. */
export function trimGoSpace(s: string): string {
  let start = 0;
  let end = s.length;
  // Every Go space is a single UTF-16 code unit, so indexing code units is exact here.
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}
