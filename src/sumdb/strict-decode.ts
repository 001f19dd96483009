/**
 * Strict decoders for the two text encodings the checksum-database formats are built on.
 * Both return `undefined` instead of guessing: Node's own decoders are lenient (Buffer's
 * base64 skips junk characters and missing padding; TextDecoder substitutes U+FFFD), and a
 * lenient decoder would let two different byte strings stand for the same key, signature or
 * hash.
 */

// Standard alphabet, padded, as Go's base64.StdEncoding. Like Go's (non-Strict) decoder, the
// unused low bits of the last character are not required to be zero. Unlike Go's, CR and LF
// inside the text are rejected rather than skipped: no sumdb format puts them there.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes padded standard base64; `undefined` if `s` is not exactly that. */
export function decodeBase64Strict(s: string): Buffer | undefined {
  if (!BASE64.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

// fatal: reject malformed UTF-8 (including overlong forms and surrogates, as Go's
// utf8.DecodeRune does); ignoreBOM: keep a leading U+FEFF as text, it is part of what was signed.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8; `undefined` if `bytes` is not well-formed UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Whether `bytes` holds an ASCII control character (below U+0020) other than newline. */
export function hasControlCharacter(bytes: Uint8Array): boolean {
  // UTF-8 multi-byte sequences only use bytes >= 0x80, so a byte scan is exact.
  for (const b of bytes) {
    if (b < 0x20 && b !== 0x0a) return true;
  }
  return false;
}
