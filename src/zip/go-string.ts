/**
 * Go strings are byte strings; zip entry names are raw bytes that need not be UTF-8. To keep
 * such names distinguishable (and rejectable) after decoding, invalid bytes are mapped to lone
 * surrogates U+DC80–U+DCFF ("surrogateescape"), the convention src/module uses for Go's
 * "invalid UTF-8": `checkFilePath` then reports them as invalid UTF-8 instead of seeing a
 * harmless U+FFFD.
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes `bytes` as UTF-8; each byte of an invalid sequence becomes U+DC00 + byte. */
export function decodeGoString(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return decodeSlow(bytes);
  }
}

/** Whether `bytes` is valid UTF-8 (Go's utf8.Valid: no overlongs, surrogates or > U+10FFFF). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function decodeSlow(b: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    const n = sequenceLength(b, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + c);
      i++;
      continue;
    }
    out += strictUtf8.decode(b.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** Length of the valid UTF-8 sequence starting at b[i] (a non-ASCII lead byte), or 0. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const x = b[i + k];
    return x !== undefined && x >= lo && x <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
