/**
 * Revision spellings, as cmd/go's codehost treats them. A revision reaching git comes from a
 * request URL, so anything git could take as an option or as revision syntax (`-x`, `a..b`,
 * `v1^`, `@{-1}`, `:path`) is refused up front and reported as an unknown revision.
 */

/** cmd/go's minHashDigits: shorter hex strings are never taken for hashes. */
export const MIN_HASH_DIGITS = 7;

/** Lower-case hex only (cmd/go's AllHex); the empty string counts as hex. */
export function allHex(s: string): boolean {
  return /^[0-9a-f]*$/.test(s);
}

/** A possible (abbreviated) commit hash: 7–40 lower-case hex digits. */
export function isHashLike(rev: string): boolean {
  return rev.length >= MIN_HASH_DIGITS && rev.length <= 40 && allHex(rev);
}

/** The first 12 hex digits of a full hash (cmd/go's ShortenSHA1); other strings unchanged. */
export function shortenHash(rev: string): string {
  return rev.length === 40 && allHex(rev) ? rev.slice(0, 12) : rev;
}

/**
 * Whether `rev` is a plain name git resolves without revision syntax: a ref name per
 * `git check-ref-format --allow-onelevel` (with the additional ban on a leading `-`), `HEAD`,
 * or a hex string.
 */
export function isPlainRev(rev: string): boolean {
  if (rev === '' || rev.length > 1024) return false;
  if (rev.startsWith('-') || rev.startsWith('/') || rev.endsWith('/')) return false;
  if (rev.endsWith('.') || rev.endsWith('.lock') || rev === '@') return false;
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(rev)) return false;
  if (rev.includes('..') || rev.includes('@{') || rev.includes('//')) return false;
  return rev.split('/').every((c) => c !== '' && !c.startsWith('.'));
}
