import { parseByteRange } from './byte-range.js';
import type { AnswerOptions } from './answer.js';

/** What a request's conditions make of a stored zip with these validators. */
export type ZipDecision =
  | { readonly kind: 'whole' }
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'unsatisfiable' }
  | { readonly kind: 'range'; readonly start: number; readonly end: number };

const WHOLE: ZipDecision = { kind: 'whole' };

/**
 * RFC 9110's conditional and range rules for a stored zip (strong validators: the storage's
 * ETag and modification time): If-None-Match (any listed tag, `*`, weak prefixes ignored) or
 * else If-Modified-Since (whole seconds) gives 304; a Range is honoured only when If-Range is
 * absent or equals the ETag, a single range (parseByteRange), 416 when it starts past the end.
 */
export function decideZip(
  opts: AnswerOptions | undefined,
  etag: string,
  modified: Date,
  size: number,
): ZipDecision {
  if (opts === undefined) return WHOLE;
  const v = opts.validators;
  if (v !== undefined && notModified(v.ifNoneMatch, v.ifModifiedSince, etag, modified)) {
    return { kind: 'not-modified' };
  }
  const ifRange = v?.ifRange;
  const rangeHeader = ifRange === undefined || ifRange === etag ? opts.range : undefined;
  const range = parseByteRange(rangeHeader, size);
  if (range === null) return WHOLE;
  if (range === 'unsatisfiable') return { kind: 'unsatisfiable' };
  return { kind: 'range', start: range.start, end: range.end };
}

function notModified(
  inm: string | undefined,
  ims: string | undefined,
  etag: string,
  modified: Date,
): boolean {
  if (inm !== undefined) {
    return inm === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
  }
  if (ims !== undefined) {
    const since = Date.parse(ims);
    return Number.isFinite(since) && Math.floor(modified.getTime() / 1000) * 1000 <= since;
  }
  return false;
}
