import type { Principal } from '../policy/index.js';

/**
 * The dashboard's read model (issue 15): everything the pages at `/-/ui/` and the JSON API at
 * `/-/api/` show, as plain JSON-ready objects. The API serves these views as they are (plus
 * `"api": 1`), so a field added here is added to the API: change this contract only
 * additively (new optional fields), never rename or remove — an incompatible change goes to
 * `/-/api/v2/` (docs/api.md).
 *
 * Access: every method that names modules takes the asking Principal and answers as the proxy
 * would: a module the principal may not read does not exist for them (not listed, undefined).
 *
 * Times are RFC 3339 strings (UTC), durations milliseconds, sizes bytes.
 */
export interface DashboardData {
  /** Version, uptime, storage, upstreams, checksum databases, coordination. */
  status(): Promise<StatusView>;
  /**
   * Stored modules whose path contains `q` (case-insensitive; empty: all), sorted by path,
   * `page.limit` at most (clamped to 1..500), from `page.cursor` (the `next` of the previous
   * page; an unknown cursor is the start).
   */
  modules(q: string, principal: Principal, page: PageRequest): Promise<ModuleListView>;
  /** One stored module with its versions (newest first); undefined: not stored or not readable. */
  module(path: string, principal: Principal): Promise<ModuleView | undefined>;
  /** One stored version's details; undefined: not stored or not readable. */
  version(path: string, version: string, principal: Principal): Promise<VersionView | undefined>;
  /** Recent requests and errors, top modules, cache ratio. */
  activity(filter: ActivityFilter, principal: Principal): ActivityView;
  /** The client lines for this server (`baseUrl`: the URL the asking browser used). */
  setup(principal: Principal, baseUrl: string): SetupView;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

// ---------------------------------------------------------------------------------- status

export interface StatusView {
  /** modgate's version (as /version reports it). */
  version: string;
  /** When this process started, and for how long it has run. */
  startedAt: string;
  uptimeMs: number;
  storage: StorageView;
  upstreams: UpstreamView[];
  sumdb: SumdbView[];
  /** Replica coordination; absent when not configured (a single process). */
  coordination?: CoordinationView | undefined;
  /** The catalog behind the module pages: how fresh it is. */
  catalog: CatalogStateView;
}

export interface StorageView {
  /** `disk`, `s3` or `memory`. */
  backend: string;
  /** The backend's description (a directory, a bucket); never credentials. */
  description: string;
  /** Files and bytes stored (the modgate_storage_stored_* gauges); undefined until counted. */
  objects?: number | undefined;
  bytes?: number | undefined;
  /** Bytes added since this process started (positive: grown), when counted. */
  growth?: { bytesSinceStart: number; sinceStart: string } | undefined;
  /** Disk backends: the file system's free and total bytes. */
  filesystem?: { freeBytes: number; sizeBytes: number } | undefined;
}

export type BreakerState = 'ok' | 'open' | 'half-open';

export interface UpstreamView {
  /** As named in the configuration (`direct` for direct fetching). */
  name: string;
  /** The upstream's URL without credentials (empty for direct). */
  url: string;
  state: BreakerState;
  /** Failed / all requests to it since start (0 when none yet). */
  errorRatio: number;
  requests: number;
  /** Request latency percentiles (from the duration histogram); undefined: no requests yet. */
  p50Ms?: number | undefined;
  p99Ms?: number | undefined;
  /** The last failure seen, if any. */
  lastError?: string | undefined;
}

export interface SumdbView {
  /** The database's name (e.g. sum.golang.org). */
  name: string;
  /** `proxied` (a remote database relayed/verified against) or `own` (hosted by modgate). */
  kind: 'proxied' | 'own';
  /** The size of the last tree head verified, and when (undefined: none yet). */
  lastVerifiedTreeSize?: number | undefined;
  lastVerifiedAt?: string | undefined;
  /** The last outcome of asking it (ok, or an error message). */
  lastError?: string | undefined;
  /** modgate's own database: its log's size. */
  own?: { size: number } | undefined;
}

export interface CoordinationView {
  /** e.g. `redis` */
  kind: string;
  up: boolean;
  /** Replicas known to share the coordination, when known. */
  replicas?: number | undefined;
}

export interface CatalogStateView {
  modules: number;
  versions: number;
  /** When storage was last listed in full (start, then every rescan interval). */
  scannedAt?: string | undefined;
  /** How stale another replica's writes may be before they show (ms). */
  rescanIntervalMs: number;
}

// --------------------------------------------------------------------------------- modules

export interface ModuleListView {
  modules: ModuleSummaryView[];
  /** The cursor of the next page; absent on the last page. */
  next?: string | undefined;
  /** How many modules match (all pages). */
  total: number;
}

export interface ModuleSummaryView {
  /** The module path (unescaped). */
  path: string;
  /** How many versions are stored. */
  versions: number;
  /** The highest stored release (else pre-release, else pseudo-version), by semver. */
  latest: string;
  /** When the newest stored version was stored. */
  updatedAt?: string | undefined;
  /** Matches the private patterns. */
  private: boolean;
  /** Published into modgate (`publish.modules`). */
  hosted: boolean;
}

/** Where a version came from. */
export type VersionOrigin = 'upstream' | 'direct' | 'published' | 'imported' | 'unknown';

export interface ModuleView {
  path: string;
  private: boolean;
  hosted: boolean;
  /** Newest first (semver order). */
  versions: VersionSummaryView[];
  /** The `go get` line for the latest version. */
  goGet: string;
}

export interface VersionSummaryView {
  version: string;
  /** The version's time (.info `Time`), when known. */
  time?: string | undefined;
  /** When it was stored here, when known. */
  storedAt?: string | undefined;
  /** Zip size in bytes; undefined: only .info/.mod stored. */
  size?: number | undefined;
  origin: VersionOrigin;
  /** The zip's `h1:` hash, when recorded. */
  h1?: string | undefined;
  /** Who published it (hosted modules). */
  publisher?: string | undefined;
  /** Set when a deny rule or an admin block refuses it. */
  blocked?: BlockedView | undefined;
}

export interface BlockedView {
  reason: string;
  /** The rule that blocks it (the deny rule's text, or the admin block's id). */
  rule: string;
}

export interface VersionView extends VersionSummaryView {
  path: string;
  /** The stored go.mod text; undefined when not stored. */
  goMod?: string | undefined;
  /** The go.mod's `h1:` hash (`<version>/go.mod`), when known. */
  goModH1?: string | undefined;
  sumdb: VersionSumdbView;
  /** `go get <path>@<version>` */
  goGet: string;
}

export interface VersionSumdbView {
  /** The database consulted; undefined: none applies (no database, or GONOSUMDB-like policy). */
  db?: string | undefined;
  /** The record lines (`<path> <version> h1:…` and `<path> <version>/go.mod h1:…`). */
  lines: string[];
  /** true: the record matches the stored hashes; false: it differs; not-checked: not asked. */
  verified: boolean | 'not-checked';
  /** Why it was not checked, or what failed. */
  note?: string | undefined;
}

// -------------------------------------------------------------------------------- activity

export interface ActivityFilter {
  /** A status class (`2xx`, `4xx`, `5xx`, `error` = 4xx and 5xx) or an exact status. */
  status?: string | undefined;
  /** Only requests for this module path. */
  module?: string | undefined;
  /** At most this many recent requests (default 100, at most the ring's size). */
  limit?: number | undefined;
}

export interface ActivityView {
  /** Newest first. */
  recent: RequestView[];
  /** The recent failed requests (status ≥ 400 other than 404/410), newest first. */
  errors: RequestView[];
  topModules: { path: string; requests: number }[];
  cache: { hits: number; misses: number; ratio: number };
  /** Requests counted since start (all routes), from the /metrics counters. */
  requests: number;
}

export interface RequestView {
  time: string;
  method: string;
  /** The request path (the query left out). */
  path: string;
  module?: string | undefined;
  version?: string | undefined;
  status: number;
  ms: number;
  /** hit, miss, stale, revalidated, or none. */
  cache: string;
  user?: string | undefined;
}

// ----------------------------------------------------------------------------------- setup

export interface SetupView {
  /** The URL clients use for this server. */
  url: string;
  /** The `go env -w` settings, in the order to apply them. */
  goEnv: GoEnvLineView[];
  /** The .netrc line when authentication is on (host and login; never a password). */
  netrc?: string | undefined;
  /** `modgate doctor --server <url>` */
  doctor: string;
}

export interface GoEnvLineView {
  name: string;
  value: string;
  /** The whole command, e.g. `go env -w GOPROXY=https://…,off`. */
  command: string;
}
