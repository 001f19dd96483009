/**
 * Increment and decrement of decimal strings of any length, for pseudo-version patch
 * numbers (`v1.2.99999999999999999` → `v1.2.100000000000000000-0.…`). Numbers never pass
 * through floating point.
 */

/** `decimal` + 1; the input is a non-empty string of ASCII digits. */
export function incDecimal(decimal: string): string {
  let i = decimal.length - 1;
  while (i >= 0 && decimal[i] === '9') i--;
  if (i < 0) return '1' + '0'.repeat(decimal.length);
  const digit = decimal.charCodeAt(i) - 0x30 + 1;
  return decimal.slice(0, i) + String(digit) + '0'.repeat(decimal.length - i - 1);
}

/**
 * `decimal` - 1, or `` if that would be negative (the input is zero or empty). A leading
 * `1` that becomes `0` is dropped (`100` → `99`).
 */
export function decDecimal(decimal: string): string {
  let i = decimal.length - 1;
  while (i >= 0 && decimal[i] === '0') i--;
  if (i < 0) return '';
  const tail = '9'.repeat(decimal.length - i - 1);
  if (i === 0 && decimal[0] === '1' && decimal.length > 1) return tail;
  const digit = decimal.charCodeAt(i) - 0x30 - 1;
  return decimal.slice(0, i) + String(digit) + tail;
}
