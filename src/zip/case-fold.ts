/**
 * x/mod's `strToFold`: a string key such that two paths collide on a case-insensitive file
 * system (Go's `strings.EqualFold`) exactly when their keys are equal. Each rune becomes the
 * smallest rune of its Unicode simple-fold orbit (table generated from Go's own Unicode tables
 * by scripts/gen-case-fold-table.mjs), then A–Z become a–z. `toLowerCase`/`toUpperCase` are
 * not a substitute: they miss orbits such as K / k / U+212A KELVIN SIGN and s / S / U+017F.
 */
import { CASE_FOLD_RUNS } from './case-fold-table.js';

let foldMap: Map<number, number> | undefined;

function orbitMinimum(r: number): number {
  if (foldMap === undefined) {
    foldMap = new Map();
    for (const [lo, hi, stride, delta] of CASE_FOLD_RUNS) {
      for (let c = lo; c <= hi; c += stride) foldMap.set(c, c + delta);
    }
  }
  return foldMap.get(r) ?? r;
}

/** Fast path of x/mod: an all-ASCII string without upper-case letters is its own key. */
function isFoldedAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || (c >= 0x41 && c <= 0x5a)) return false;
  }
  return true;
}

/** `strToFold(s) === strToFold(t)` iff Go's `strings.EqualFold(s, t)`. */
export function strToFold(s: string): string {
  if (isFoldedAscii(s)) return s;
  let out = '';
  for (const ch of s) {
    let r = orbitMinimum(ch.codePointAt(0)!);
    if (r >= 0x41 && r <= 0x5a) r += 0x20;
    out += String.fromCodePoint(r);
  }
  return out;
}
