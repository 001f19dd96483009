import {
  BoundedCache,
  bufferBytes,
  objectBytes,
  ownedBuffer,
  ownedString,
  stringBytes,
} from '../cache/index.js';
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
  /**
   * Bound on the bytes held: targets, headers, bodies and bookkeeping. Default 32 MiB: room for
   * the hot set of a busy team (thousands of .info/.mod/list answers of a few hundred bytes to
   * a few KiB, small zips up to 256 KiB), and no more than the module service's own hot cache,
   * with which most bodies are shared (counted in full here all the same).
   */
  maxBytes?: number;
}

/** Default bound on what FastAnswers holds (see FastAnswersOptions.maxBytes). */
export const FAST_ANSWERS_MAX_BYTES = 32 * 1024 * 1024;

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
 * Bounded by bytes (a BoundedCache): every answer counts its target — a client can send
 * thousands of distinct query strings for one cached file, each up to the header size limit —
 * its headers and its body; the least recently used answers make room.
 */
export class FastAnswers {
  private readonly entries: BoundedCache<FastAnswer>;
  private readonly listTtlMs: number;

  constructor(options: FastAnswersOptions) {
    this.listTtlMs = options.listTtlMs;
    this.entries = new BoundedCache({
      maxBytes: options.maxBytes ?? FAST_ANSWERS_MAX_BYTES,
      sizeOf: answerBytes,
    });
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
      this.entries.delete(target);
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

  /** How many answers are held. */
  get size(): number {
    return this.entries.size;
  }

  /** The bytes the held answers account for (targets, headers, bodies); at most `maxBytes`. */
  get bytes(): number {
    return this.entries.bytes;
  }

  get maxBytes(): number {
    return this.entries.maxBytes;
  }

  private add(target: string, answer: FastAnswer): void {
    // Kept strings and buffers must hold only their own bytes (see entry-bytes.ts): the target
    // may be a slice of a longer string, a small body a view into a shared pool slab.
    const body = ownedBuffer(answer.body);
    this.entries.set(ownedString(target), body === answer.body ? answer : { ...answer, body });
  }
}

/**
 * What an answer keeps alive. The cache-control value of list answers is rewritten as they age
 * (`public, max-age=N`): counted at its longest.
 */
function answerBytes(answer: FastAnswer): number {
  let bytes = objectBytes(6) + objectBytes(answer.headers.length) + bufferBytes(answer.body);
  for (const h of answer.headers) bytes += stringBytes(h);
  return bytes + stringBytes('public, max-age=2147483647');
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
