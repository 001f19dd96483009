import type { StoredStat } from '../storage/storage.js';

/** A 200 answer that can be replayed byte for byte, looked up by the raw request target. */
export interface FastAnswer {
  /**
   * Header names and values for `writeHead`, in the order the full path sets them, with
   * `x-request-id` first: its value (index 1) is set for each request just before writing.
   */
  readonly headers: string[];
  readonly body: Buffer;
  /** The Content-Length value, for the access log. */
  readonly length: number;
  /** True when the answer has validators (zips): conditional and range requests need the full path. */
  readonly validators: boolean;
  /** list/@latest: when the answer was fetched; it is replayed only while fresh. */
  readonly fetchedAt: number | undefined;
  /** list/@latest: the max-age currently written in the cache-control value. */
  maxAge: number;
}

export interface FastAnswersOptions {
  /** How long list / @latest answers are fresh (the service's `cache.list_ttl`). */
  listTtlMs: number;
  maxEntries?: number;
  /** Bound on the bodies held (most are shared with the module service's hot cache). */
  maxBytes?: number;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const CACHE_CONTROL_INDEX = 5;

/**
 * Answers for cached hits that need no decision but "is it still fresh": canonical `.info`,
 * `.mod`, small stored zips, and list / @latest while within their TTL. The full path
 * (parse, service, handler) offers each 200 `hit` it sends; a later GET of the very same raw
 * target is then answered with one `writeHead` of prepared headers and the body — the same
 * bytes the full path would send (test/http/fast-answers.test.ts compares them).
 *
 * What stays on the full path: HEAD, every request of another method, zips asked with
 * Range / If-Range / If-None-Match / If-Modified-Since, misses, stale answers, anything not
 * offered. Freshness is the service's own rule (`now - fetchedAt < ttl`); an expired answer
 * is dropped, and the full path decides (refresh, stale copy, error) as it always did.
 * Immutable files never change once stored, so their answers stay until evicted.
 *
 * Bounded by entries and body bytes; the oldest answers make room (insertion order).
 */
export class FastAnswers {
  private readonly entries = new Map<string, FastAnswer>();
  private bytes = 0;
  private readonly listTtlMs: number;
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(options: FastAnswersOptions) {
    this.listTtlMs = options.listTtlMs;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  }

  /**
   * The answer for `target`, fresh at `now()` (list answers get their max-age set), if any.
   * The clock is read only for list answers.
   */
  lookup(target: string, now: () => number): FastAnswer | undefined {
    const answer = this.entries.get(target);
    if (answer === undefined || answer.fetchedAt === undefined) return answer;
    const age = now() - answer.fetchedAt;
    if (age >= this.listTtlMs) {
      this.delete(target);
      return undefined;
    }
    const maxAge = Math.max(0, Math.floor((this.listTtlMs - age) / 1000));
    if (maxAge !== answer.maxAge) {
      answer.maxAge = maxAge;
      answer.headers[CACHE_CONTROL_INDEX] = `public, max-age=${maxAge}`;
    }
    return answer;
  }

  /** A canonical `.info` or a `.mod` answered from the cache. */
  offerImmutable(target: string, contentType: string, body: Buffer): void {
    this.add(target, bytesAnswer(contentType, IMMUTABLE, body, undefined, -1));
  }

  /** A list / @latest answered from the cache, fetched at `fetchedAt`. */
  offerFresh(target: string, contentType: string, body: Buffer, fetchedAt: number): void {
    this.add(target, bytesAnswer(contentType, 'public, max-age=-1', body, fetchedAt, -1));
  }

  /** A whole stored zip answered from memory, with its validators. */
  offerZip(target: string, contentType: string, stat: StoredStat, body: Buffer): void {
    this.add(target, {
      headers: [
        'x-request-id',
        '',
        'content-type',
        contentType,
        'cache-control',
        IMMUTABLE,
        'etag',
        stat.etag,
        'last-modified',
        stat.modified.toUTCString(),
        'accept-ranges',
        'bytes',
        'x-modgate-cache',
        'hit',
        'content-length',
        String(body.length),
      ],
      body,
      length: body.length,
      validators: true,
      fetchedAt: undefined,
      maxAge: -1,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get bodyBytes(): number {
    return this.bytes;
  }

  private add(target: string, answer: FastAnswer): void {
    this.delete(target);
    if (answer.length > this.maxBytes) return;
    while (
      this.entries.size > 0 &&
      (this.entries.size >= this.maxEntries || this.bytes + answer.length > this.maxBytes)
    ) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.delete(oldest.value);
    }
    this.entries.set(target, answer);
    this.bytes += answer.length;
  }

  private delete(target: string): void {
    const answer = this.entries.get(target);
    if (answer === undefined) return;
    this.entries.delete(target);
    this.bytes -= answer.length;
  }
}

function bytesAnswer(
  contentType: string,
  cacheControl: string,
  body: Buffer,
  fetchedAt: number | undefined,
  maxAge: number,
): FastAnswer {
  return {
    headers: [
      'x-request-id',
      '',
      'content-type',
      contentType,
      'cache-control',
      cacheControl,
      'content-length',
      String(body.length),
      'x-modgate-cache',
      'hit',
    ],
    body,
    length: body.length,
    validators: false,
    fetchedAt,
    maxAge,
  };
}
