import { ModgateError } from '../../errors/index.js';

/**
 * Integer arithmetic for tree coordinates held in `number`s.
 *
 * Record ids, tree sizes and stored-hash indexes are `number`s throughout this package:
 * they are exact below 2^53 (sum.golang.org holds ~10^8 records, so the headroom is about
 * 2^26-fold), and every function that produces one checks that it stayed exact. JavaScript's
 * bit operators (`>>`, `<<`, `&`) work on 32 bits, so they are never used on these values;
 * shifts are multiplication and floored division by powers of two instead, which are exact
 * for safe integers.
 */

/** Throws unless `value` is an integer in [0, 2^53). `what` names it in the message. */
export function checkIndex(what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ModgateError('invalid', `tlog: ${what} must be an integer in [0, 2^53): ${value}`);
  }
}

/** `n << k` for safe n; throws if the result is not a safe integer. */
export function shl(n: number, k: number): number {
  const r = n * 2 ** k;
  if (!Number.isSafeInteger(r)) {
    throw new ModgateError('invalid', `tlog: ${n} << ${k} is beyond 2^53`);
  }
  return r;
}

/** `n >> k` for safe non-negative n (0 once k passes the bit length, as in Go). */
export function shr(n: number, k: number): number {
  return Math.floor(n / 2 ** k);
}

/** The number of trailing zero bits of x > 0. */
export function trailingZeros(x: number): number {
  let count = 0;
  while (x > 0 && x % 2 === 0) {
    x /= 2;
    count++;
  }
  return count;
}

/** k, the largest power of two strictly below n ≥ 2, and l = log₂ k. */
export function maxpow2(n: number): { k: number; l: number } {
  let k = 1;
  let l = 0;
  while (k * 2 < n) {
    k *= 2;
    l++;
  }
  return { k, l };
}

/** A broken invariant in this package's own index math: a bug, never bad input. */
export function badMath(where: string): ModgateError {
  return new ModgateError('internal', `tlog: bad math in ${where}`);
}
