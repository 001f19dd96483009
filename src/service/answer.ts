import type { Readable } from 'node:stream';
import type { ProxyRequest } from '../protocol/proxy-request.js';

/**
 * Where an answer came from (the X-Modgate-Cache header):
 * - `hit`: memory or storage, no upstream asked;
 * - `miss`: fetched from an upstream now;
 * - `stale`: a list / @latest whose refresh failed, served from the last good copy;
 * - `revalidated`: a list / @latest past its freshness, refreshed, and unchanged.
 */
export type CacheState = 'hit' | 'miss' | 'stale' | 'revalidated';

/** The Cache-Control max-age of immutable files (a year), sent with `immutable`. */
export const IMMUTABLE_MAX_AGE = 31_536_000;

/**
 * The service's answer to one GOPROXY request: everything the HTTP layer needs to write the
 * response, and nothing it has to decide. Answers the service caches are frozen and shared by
 * every request for the same file (the HTTP layer may memoise their serialised headers keyed by
 * the object); a new object means something changed (list max-age counting down).
 */
export interface Answer {
  /** 200, 206 (a range of a stored zip), 304 (validators matched), 416 (range outside). */
  readonly status: 200 | 206 | 304 | 416;
  /** What was asked for: decides the content type. */
  readonly kind: ProxyRequest['kind'];
  /**
   * The body: bytes, or a stream the caller must consume or destroy. Neither for 304 / 416 /
   * HEAD (`size` still says what a GET would get for HEAD).
   */
  readonly body?: Buffer | undefined;
  readonly stream?: Readable | undefined;
  /** The Content-Length; undefined when not known yet (a zip whose upstream sent no length). */
  readonly size: number | undefined;
  /** Zips from storage: their validators (ETag, Last-Modified), and Accept-Ranges. */
  readonly etag?: string | undefined;
  readonly lastModified?: Date | undefined;
  /** For 206: the span sent; for 416: the file's size (Content-Range `bytes *\/size`). */
  readonly range?: { start: number; end: number } | undefined;
  readonly total?: number | undefined;
  readonly cache: CacheState;
  /** Set when `cache` is `stale`: why the refresh failed. */
  readonly staleReason?: string | undefined;
  /**
   * A list / @latest made from the versions held because no upstream answered (the
   * X-Modgate-Offline header; service/stored-versions.ts).
   */
  readonly offline?: 'stored-versions' | undefined;
  /** Cache-Control max-age in seconds; IMMUTABLE_MAX_AGE with `immutable`. */
  readonly maxAge: number;
  readonly immutable: boolean;
}

/** The request's conditions, as the client sent them (header values, unparsed). */
export interface Validators {
  readonly ifNoneMatch?: string | undefined;
  readonly ifModifiedSince?: string | undefined;
  readonly ifRange?: string | undefined;
}

export interface AnswerOptions {
  /** HEAD: the same status and headers, no body (a zip miss is waited for to know its size). */
  readonly head?: boolean | undefined;
  /** The Range header; honoured for stored zips only (other files have no validators). */
  readonly range?: string | undefined;
  readonly validators?: Validators | undefined;
}
