import type { Readable } from 'node:stream';

/**
 * The `.info` of one module version: what `@v/<version>.info` and `@latest` answer.
 * `raw` is the JSON exactly as it will be served (an upstream's own bytes when they were
 * valid); `version` and `time` are parsed from it.
 */
export interface RevInfo {
  version: string;
  time?: string;
  raw: Buffer;
}

/** A zip as it arrives: a byte stream and, when the source announced it, its length. */
export interface ZipSource {
  stream: Readable;
  size?: number;
  /**
   * Opens the same zip from the next upstream of a `|` chain. Set by ChainUpstream when the
   * entry that answered is followed by `|`: the go command moves on after any error there, and
   * for a zip an error can come after the answer started — a reset or deadline mid-body, a
   * truncated or tampered zip refused by the zip rules or a checksum gate. The consumer calls
   * it when this stream fails or its bytes are refused; it rejects with the next entries'
   * error when they fail too.
   */
  fallback?: () => Promise<ZipSource>;
}

/** Per-call context: cancellation and a request id for logs. */
export interface FetchContext {
  signal?: AbortSignal;
  requestId?: string;
  /**
   * For `.mod` / `.zip` of a canonical version whose `.info` is already stored: the commit
   * that `.info` recorded (its Origin.Hash). An upstream reading version control serves the
   * files from that commit or refuses with kind `checksum` (a tag that moved); others ignore it.
   */
  originHash?: string;
}

/**
 * The Upstream seam, at module level (like cmd/go's modfetch.Repo). Implementations: an HTTP
 * GOPROXY upstream, the chain of them, and (later) direct VCS fetching. Decorators (caching,
 * retries, limits, logging) implement the same interface.
 *
 * Errors are ModgateErrors; `isNotFound(err)` (404/410, unknown module or version) is what
 * lets a `,` chain fall through to the next entry.
 */
export interface Upstream {
  /** For logs and error messages; never contains credentials. */
  readonly description: string;

  /** The lines of `@v/list`: tagged versions, one per line, possibly with extra fields. */
  list(modulePath: string, ctx: FetchContext): Promise<string[]>;

  /** `@v/<query>.info`: a canonical version or any revision query (branch, hash, ...). */
  info(modulePath: string, query: string, ctx: FetchContext): Promise<RevInfo>;

  /** `@latest`. */
  latest(modulePath: string, ctx: FetchContext): Promise<RevInfo>;

  /** `@v/<version>.mod` for a canonical version. */
  mod(modulePath: string, version: string, ctx: FetchContext): Promise<Buffer>;

  /** `@v/<version>.zip` for a canonical version. */
  zip(modulePath: string, version: string, ctx: FetchContext): Promise<ZipSource>;
}
