import {
  BoundedCache,
  DATE_BYTES,
  bufferBytes,
  objectBytes,
  ownedBuffer,
  stringBytes,
} from '../cache/index.js';
import type { ProxyRequest } from '../protocol/proxy-request.js';
import { IMMUTABLE_MAX_AGE, type Answer } from './answer.js';

/**
 * Default bound: 32 MiB. The hot set it is meant for — the `.info`, `.mod`, lists and small
 * zips a team's builds ask for over and over — is tens of MB at most (the bench's whole corpus
 * of 1,889 URLs, zips up to 256 KiB, is 26 MB of bodies plus ~1 MB of bookkeeping), and what
 * falls out is one storage read away. Before issue 9 two caches (64 MiB + 32 MiB) held mostly
 * the same buffers; one bound of 32 MiB keeps the process's peak RSS well inside the 150 MB
 * target while a cold zip download or two are spooling.
 */
export const ANSWER_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/** Zips up to this size are kept in the cache once stored (most module zips are small). */
export const SMALL_ZIP_BYTES = 256 * 1024;

/**
 * What the HTTP layer may keep alive per cached answer (its serialised header array, memoised
 * by answer object, and its response head's bytes, ~200-400, on the entry: CachedAnswer):
 * counted here so that the bound covers it.
 */
const HEADER_MEMO_BYTES = 1024;

/** A cached answer, with when a list / @latest was fetched (absent for immutable files). */
/**
 * A cached answer as the cache holds it, for the HTTP layer to keep what it derives from the
 * answer next to it (its response head's bytes, fast-path/response-head.ts) instead of in a
 * map keyed by the answer. `memo` is the caller's: it lives as long as the entry (dropped when
 * the entry leaves the cache, so it keeps nothing alive past eviction) and is kept when the
 * entry's answer object is replaced for a new max-age (freshOf), so a memo made for one answer
 * object is checked against the current one before use.
 */
export interface CachedAnswer {
  readonly answer: Answer;
  memo: unknown;
}

interface Entry extends CachedAnswer {
  answer: Answer;
  /**
   * Out of the cache (evicted, replaced, deleted): a reference holding it looks again. Its
   * answer is then GONE, so that a reference does not keep the body alive.
   */
  gone: boolean;
  /** The cache's recency epoch in which a reference last marked it recently used (AnswerRef). */
  touched: number;
  readonly fetchedAt: number | undefined;
  /** A list / @latest: the age from which a hit asks for a refresh ahead (refreshAhead). */
  readonly aheadAfter: number;
  /** That refresh was asked for (once per entry: the refreshed list replaces the entry). */
  aheadAsked: boolean;
}

/**
 * A hot list / @latest is refreshed ahead of its expiry: the first hit once its age is past
 * this share of the TTL (0.7–0.9, spread by key so that lists fetched together are not
 * refreshed in one burst) asks for a refresh in the background and is answered from the
 * cache. Its clients then never wait for the upstream, and no answer is older than the TTL.
 */
const AHEAD_FROM = 0.7;
const AHEAD_SPREAD = 0.2;

/** What a removed entry holds instead of its answer. */
const GONE: Answer = Object.freeze({
  status: 200,
  kind: 'info',
  size: 0,
  cache: 'hit',
  maxAge: 0,
  immutable: false,
});

/**
 * How often a hit through a reference marks its entry recently used in the LRU order: once per
 * recency epoch per entry, an epoch lasting at least this many ms (an unref'd timer ends it; the
 * next hit through a reference starts the next one, so an idle cache keeps no timer). The order
 * of entries hit within an epoch is approximate (an entry hit through a reference looks up to
 * about this much older than it is); a lookup by key (`fresh`) marks it every time, as before.
 * Epochs, not a clock read per hit: a Date.now() per cached hit was one of its four clock reads.
 */
export const REF_RECENCY_MS = 1000;

/**
 * A reference to the entry of one key, for a caller that looks the same key up over and over
 * (the fast path keeps one per request target): a hit through it reads the entry it holds,
 * without the key's map lookup, as long as that entry is in the cache. Opaque to callers.
 */
export interface AnswerRef {
  readonly key: string;
  /**
   * The entry found last, if any: set by the cache only. A caller may read it as a
   * CachedAnswer (its answer is a GONE placeholder once the entry left the cache).
   */
  entry: Entry | undefined;
}

/** An AnswerRef with its request (ModuleService.refOf): a caller keeping it has both at once. */
export interface RequestRef extends AnswerRef {
  readonly req: Readonly<ProxyRequest>;
}

export interface AnswerCacheOptions {
  maxBytes?: number | undefined;
  /** How long list / @latest answers are fresh. */
  listTtlMs: number;
  now: () => number;
}

/**
 * The one in-memory cache in front of storage, keyed by storage key, bounded by bytes (a
 * BoundedCache; the least recently used answers make room). It holds hot immutable answers
 * (canonical `.info`, `.mod`, small zips with their validators) forever, and list / @latest
 * answers with the time they were fetched: it owns their freshness rule (fresh while
 * `now - fetchedAt < listTtlMs`, Cache-Control max-age the whole seconds left). An expired list
 * stays until evicted: it is the copy served stale when a refresh fails.
 *
 * Cached answers are frozen and shared; a list's answer object is replaced when its max-age
 * changes (once a second at most), so whatever is derived from an answer object stays true.
 */
export class AnswerCache {
  /**
   * Set by the last `fresh` call: the list / @latest it returned is due for a refresh ahead of
   * its expiry (asked for once per fetched copy). The caller reads it right after `fresh`.
   */
  refreshAhead = false;
  private readonly entries: BoundedCache<Entry>;
  /** The recency epoch (REF_RECENCY_MS); 0 until the first hit through a reference. */
  private epoch = 0;
  /** The epoch's timer has run out: the next hit through a reference starts the next one. */
  private epochOver = true;
  private readonly endEpoch = (): void => {
    this.epochOver = true;
  };
  private readonly listTtlMs: number;
  private readonly now: () => number;

  constructor(options: AnswerCacheOptions) {
    this.listTtlMs = options.listTtlMs;
    this.now = options.now;
    const maxBytes = options.maxBytes ?? ANSWER_CACHE_MAX_BYTES;
    this.entries = new BoundedCache({
      maxBytes,
      // No single answer takes more than a sixteenth of the cache (a big zip would flush it).
      maxEntryBytes: Math.max(1, Math.floor(maxBytes / 16)),
      sizeOf: entryBytes,
      onRemove: (entry) => {
        entry.gone = true;
        entry.answer = GONE;
        entry.memo = undefined;
      },
    });
  }

  /**
   * The answer for `key` if it is cached and fresh: immutable ones always, lists within their
   * TTL (with the max-age left). Reads the clock for lists only.
   */
  fresh(key: string): Answer | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.refreshAhead = false;
      return undefined;
    }
    return this.freshOf(entry);
  }

  /** A reference to the entry for `key` (see AnswerRef); it looks the entry up when used. */
  ref(key: string): AnswerRef {
    return { key, entry: undefined };
  }

  /**
   * As `fresh(ref.key)`: the entry `ref` holds if it is still in the cache (marked recently
   * used once per recency epoch, REF_RECENCY_MS), else the key's, which `ref` then holds.
   */
  freshVia(ref: AnswerRef): Answer | undefined {
    if (this.epochOver) this.nextEpoch();
    let entry = ref.entry;
    if (entry === undefined || entry.gone) {
      entry = this.entries.get(ref.key);
      ref.entry = entry;
      if (entry === undefined) {
        this.refreshAhead = false;
        return undefined;
      }
      entry.touched = this.epoch;
    } else if (entry.touched !== this.epoch) {
      entry.touched = this.epoch;
      this.entries.get(ref.key);
    }
    return this.freshOf(entry);
  }

  /** Starts the next recency epoch, over in REF_RECENCY_MS (a timer that keeps no process up). */
  private nextEpoch(): void {
    this.epoch++;
    this.epochOver = false;
    setTimeout(this.endEpoch, REF_RECENCY_MS).unref();
  }

  /** `fresh` of an entry in the cache. */
  private freshOf(entry: Entry): Answer | undefined {
    this.refreshAhead = false;
    if (entry.fetchedAt === undefined) return entry.answer;
    const age = this.now() - entry.fetchedAt;
    if (age >= this.listTtlMs) return undefined;
    const maxAge = Math.max(0, Math.floor((this.listTtlMs - age) / 1000));
    if (entry.answer.maxAge !== maxAge) entry.answer = Object.freeze({ ...entry.answer, maxAge });
    if (!entry.aheadAsked && age >= entry.aheadAfter) {
      entry.aheadAsked = true;
      this.refreshAhead = true;
    }
    return entry.answer;
  }

  /** The cached list / @latest, fresh or not, with when it was fetched (the stale copy). */
  listCopy(key: string): { body: Buffer; fetchedAt: number } | undefined {
    const entry = this.entries.get(key);
    const body = entry?.answer.body;
    return entry?.fetchedAt === undefined || body === undefined
      ? undefined
      : { body, fetchedAt: entry.fetchedAt };
  }

  /** The bytes of a cached file, fresh or not (a stored `.info`, read for pinning). */
  bytesOf(key: string): Buffer | undefined {
    return this.entries.get(key)?.answer.body;
  }

  /**
   * The whole seconds `fetchedAt` has left to be fresh, or undefined once it is not (age at or
   * past the TTL).
   */
  maxAgeOf(fetchedAt: number): number | undefined {
    const age = this.now() - fetchedAt;
    if (age >= this.listTtlMs) return undefined;
    return Math.max(0, Math.floor((this.listTtlMs - age) / 1000));
  }

  /** Drops the answer for `key` (a list or @latest a publish changed). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every answer (the blocks changed: what was allowed may not be any more). */
  clear(): void {
    this.entries.clear();
  }

  /** Keeps a list / @latest fetched at `fetchedAt`; returns its (hit) answer if still fresh. */
  putList(
    key: string,
    kind: 'list' | 'latest',
    body: Buffer,
    fetchedAt: number,
  ): Answer | undefined {
    const maxAge = this.maxAgeOf(fetchedAt);
    const answer = hitAnswer(kind, body, maxAge ?? 0, false);
    const aheadAfter = this.listTtlMs * (AHEAD_FROM + AHEAD_SPREAD * spreadOf(key));
    this.entries.set(key, {
      answer,
      memo: undefined,
      gone: false,
      touched: 0,
      fetchedAt,
      aheadAfter,
      aheadAsked: false,
    });
    return maxAge === undefined ? undefined : answer;
  }

  /** Keeps a canonical `.info` / `.mod` (bytes) or a small zip (bytes and validators). */
  putImmutable(
    key: string,
    kind: Exclude<ProxyRequest['kind'], 'list' | 'latest'>,
    body: Buffer,
    validators?: { etag: string; lastModified: Date },
  ): Answer {
    const answer = hitAnswer(kind, body, IMMUTABLE_MAX_AGE, true, validators);
    this.entries.set(key, {
      answer,
      memo: undefined,
      gone: false,
      touched: 0,
      fetchedAt: undefined,
      aheadAfter: 0,
      aheadAsked: true,
    });
    return answer;
  }

  /** How many answers are held. */
  get size(): number {
    return this.entries.size;
  }

  /** The bytes the held answers account for; at most `maxBytes`. */
  get bytes(): number {
    return this.entries.bytes;
  }

  get maxBytes(): number {
    return this.entries.maxBytes;
  }
}

/**
 * A cached 200 `hit`, frozen (shared by every request; the HTTP layer memoises its headers by
 * identity). The body is copied when it is a view into a larger buffer, so the cache holds
 * only its own bytes. Every cached answer has the same fields, validators or not.
 */
function hitAnswer(
  kind: ProxyRequest['kind'],
  body: Buffer,
  maxAge: number,
  immutable: boolean,
  validators?: { etag: string; lastModified: Date },
): Answer {
  const owned = ownedBuffer(body);
  return Object.freeze({
    status: 200,
    kind,
    body: owned,
    size: owned.length,
    etag: validators?.etag,
    lastModified: validators?.lastModified,
    cache: 'hit',
    maxAge,
    immutable,
  });
}

/** A number in [0, 1) fixed by `key` (FNV-1a of its UTF-16 code units): a per-list spread. */
function spreadOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 0x100000000;
}

/** What an entry keeps alive: the entry, the answer, its body and validators, the header memo. */
function entryBytes(entry: Entry): number {
  const a = entry.answer;
  let bytes = objectBytes(7) + objectBytes(12) + HEADER_MEMO_BYTES;
  if (a.body !== undefined) bytes += bufferBytes(a.body);
  if (a.etag !== undefined) bytes += stringBytes(a.etag);
  if (a.lastModified !== undefined) bytes += DATE_BYTES;
  return bytes;
}
