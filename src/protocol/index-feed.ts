/**
 * The index feed's wire format, as index.golang.org serves it
 * (https://index.golang.org, https://go.dev/ref/mod#goproxy-protocol for the paths): the
 * response to `GET /index?since=<RFC 3339>&limit=N` is JSON lines, one module version each,
 *
 *   {"Path":"golang.org/x/text","Version":"v0.3.0","Timestamp":"2019-04-10T19:08:52.997264Z"}
 *
 * in ascending Timestamp order, starting at the first version stored at or after `since`
 * (inclusive), at most `limit` lines (default and maximum 2000). Timestamps are printed as Go
 * prints a time.Time in JSON: RFC 3339 in UTC with nanoseconds, trailing zeros of the fraction
 * (and a bare `.`) dropped (Go's time.RFC3339Nano). Times here are nanoseconds since the Unix
 * epoch as bigints: a JS Date has only milliseconds, and the feed's order must be exact.
 */

import { utcTime } from '../module/index.js';

/** The default and the largest `limit`, as on index.golang.org. */
export const INDEX_FEED_MAX_LIMIT = 2000;

export interface IndexFeedEntry {
  readonly path: string;
  readonly version: string;
  /** When this modgate stored the version's zip, in nanoseconds since the Unix epoch. */
  readonly timestampNs: bigint;
}

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/** `ns` as Go's time.RFC3339Nano prints it in UTC (`2019-04-10T19:08:52.997264Z`). */
export function formatGoTimestamp(ns: bigint): string {
  let seconds = ns / NS_PER_S;
  let frac = ns % NS_PER_S;
  if (frac < 0n) {
    frac += NS_PER_S;
    seconds -= 1n;
  }
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19); // no fraction
  const digits = frac.toString().padStart(9, '0').replace(/0+$/, '');
  return `${whole}${digits === '' ? '' : `.${digits}`}Z`;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 time (`2019-04-10T19:08:52.997264Z`, `2019-04-10T21:08:52+02:00`; up to
 * nanoseconds) as nanoseconds since the Unix epoch; undefined when `text` is not one.
 */
export function parseRfc3339(text: string): bigint | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const fields = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [year, month, day, hour, minute, second] = fields;
  const time = utcTime(year, month, day, hour, minute, second);
  if (time === undefined) return undefined;
  let ns = BigInt(time.getTime()) * NS_PER_MS + BigInt((frac ?? '').padEnd(9, '0') || '0');
  if (sign !== undefined) {
    const offset = (Number(oh) * 60 + Number(om)) * 60;
    if (Number(oh) > 23 || Number(om) > 59) return undefined;
    ns -= BigInt(sign === '+' ? offset : -offset) * NS_PER_S;
  }
  return ns;
}

/** One line of the feed, newline included, with Go's field names in Go's order. */
export function formatIndexLine(e: IndexFeedEntry): string {
  return `${JSON.stringify({
    Path: e.path,
    Version: e.version,
    Timestamp: formatGoTimestamp(e.timestampNs),
  })}\n`;
}

/** One line of a feed read back (by `mirror sync`); undefined when it is not one. */
export function parseIndexLine(line: string): IndexFeedEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { Path: path, Version: version, Timestamp: ts } = v as Record<string, unknown>;
  if (typeof path !== 'string' || typeof version !== 'string' || typeof ts !== 'string') {
    return undefined;
  }
  const timestampNs = parseRfc3339(ts);
  return timestampNs === undefined ? undefined : { path, version, timestampNs };
}

/** The query of a feed request, checked: `since` (default: the epoch) and `limit`. */
export type IndexQuery =
  | { readonly ok: true; readonly sinceNs: bigint; readonly limit: number }
  | { readonly ok: false; readonly problem: string };

/**
 * `since` and `limit` from a request's query string. A `limit` above the maximum is lowered
 * to it and 0 means the default (as index.golang.org does); a malformed one, or a `since` that is not RFC 3339, is a
 * problem the caller answers with 400.
 */
export function parseIndexQuery(query: URLSearchParams): IndexQuery {
  const since = query.get('since');
  const limitText = query.get('limit');
  let sinceNs = 0n;
  if (since !== null && since !== '') {
    const parsed = parseRfc3339(since);
    if (parsed === undefined) {
      return { ok: false, problem: `since=${since}: not an RFC 3339 time (2019-04-10T19:08:52Z)` };
    }
    sinceNs = parsed;
  }
  let limit = INDEX_FEED_MAX_LIMIT;
  if (limitText !== null && limitText !== '') {
    if (!/^\d{1,9}$/.test(limitText)) {
      return { ok: false, problem: `limit=${limitText}: not a non-negative integer` };
    }
    const n = Number(limitText);
    limit = n === 0 ? INDEX_FEED_MAX_LIMIT : Math.min(n, INDEX_FEED_MAX_LIMIT);
  }
  return { ok: true, sinceNs, limit };
}
