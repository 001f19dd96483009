import type { Policy } from '../../policy/index.js';
import type { Verifier } from '../note/index.js';
import type { SumdbCache } from './sumdb-cache.js';
import type { SumdbState } from './sumdb-state.js';
import type { SumdbTransport } from './sumdb-transport.js';

// The checksum-database client's options and the shapes of its answers (sumdb-client.ts).

export interface SumdbClientOptions {
  /** The database's key name (`sum.golang.org`). */
  name: string;
  /** Its verifier key: the one key whose signatures are accepted. */
  verifier: Verifier;
  transport: SumdbTransport;
  state: SumdbState;
  cache: SumdbCache;
  /** Tile height, 8 for every known database. */
  tileHeight?: number;
  /** Authenticated tiles kept in memory (default 1024, 8 MiB at height 8). */
  memoryTiles?: number;
  /**
   * Verified lookup answers kept in memory (default 4096, ~2 MB), besides the persistent
   * cache they are written to behind the lookup (lookup-memory.ts).
   */
  memoryLookups?: number;
  /** How long a `/latest` fetched from the database counts as fresh (default 10 s). */
  latestMaxAgeMs?: number;
  /** Told about persistent-cache failures the client worked around (default: ignored). */
  onCacheError?: (file: string, err: unknown) => void;
  /**
   * The compiled policy: a lookup for a private module path (`forModule(path).private`) is
   * refused with `forbidden` before any request. A second line of defence: callers are
   * expected not to ask. Default: nothing is private.
   */
  policy?: Pick<Policy, 'forModule'>;
  /** The clock, for tests. */
  now?: () => number;
  /**
   * Air-gapped: the transport never reaches the database (OfflineSumdbTransport), so
   * `latest()` answers the stored head — the one imported bundles proved, read from the state
   * store each time — instead of asking; `not-found` when none was imported.
   */
  offline?: boolean;
}

/** What verifyModule compares: the h1 hashes modgate computed. */
export interface ModuleHashes {
  /** `h1:` of the module zip. */
  zipHash?: string;
  /** `h1:` of the go.mod file. */
  modHash?: string;
}

/** A lookup answer: the database's bytes, and whether they came from the cache. */
export interface LookupRecord {
  readonly data: Buffer;
  readonly cached: boolean;
}

/** A tile's authenticated bytes, and whether they came from memory or the cache. */
export interface AuthenticatedTile {
  readonly data: Buffer;
  readonly cached: boolean;
}
