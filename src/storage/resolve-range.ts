import { ModgateError } from '../errors/index.js';
import type { ByteRange } from './storage.js';

/**
 * The bytes `openRead` serves for `range` of a file of `size` bytes, as an inclusive span, or
 * `null` when there are none (an empty file, or a range starting at or past the end: the
 * caller, who has the stat, answers 416). An `end` past the last byte is clamped, so
 * `{ start, end: Infinity }` means "from start to the end", like `Range: bytes=start-`.
 * A malformed range (negative, fractional, start > end) is refused as `invalid`.
 */
export function resolveRange(
  range: ByteRange | undefined,
  size: number,
): { start: number; end: number } | null {
  if (range === undefined) return size > 0 ? { start: 0, end: size - 1 } : null;
  const { start, end } = range;
  const endOk = Number.isSafeInteger(end) || end === Infinity;
  if (!Number.isSafeInteger(start) || start < 0 || !endOk || end < start) {
    throw new ModgateError('invalid', `invalid byte range ${JSON.stringify(range)}`);
  }
  if (start >= size) return null;
  return { start, end: Math.min(end, size - 1) };
}
