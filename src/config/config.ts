/** The validated, frozen configuration the rest of modgate reads (camelCase; YAML is snake_case). */
export interface Config {
  readonly listen: { readonly host: string; readonly port: number };
  /** Absolute. */
  readonly dataDir: string;
  readonly storage: {
    readonly backend: 'disk' | 'memory' | 's3';
    /**
     * For backend `s3`: the bucket and key prefix ('' or ending in `/`), region and endpoint
     * ('' = the SDK's defaults), path-style addressing, static credentials ('' = the SDK's
     * default chain: environment, shared files, instance roles), the multipart part size.
     */
    readonly s3: {
      readonly bucket: string;
      readonly prefix: string;
      readonly region: string;
      readonly endpoint: string;
      readonly forcePathStyle: boolean;
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly partSizeBytes: number;
    };
  };
  /**
   * Coordination across replicas (docs/replicas.md): Redis at `redisUrl` ('' = in-process
   * only; a secret: its password is never logged or printed), how long a lock lives unless
   * renewed, how long a replica waits for another's fetch before fetching itself, and the
   * prefix of every Redis key modgate uses.
   */
  readonly coordination: {
    readonly redisUrl: string;
    readonly lockTtlMs: number;
    readonly waitTimeoutMs: number;
    readonly keyPrefix: string;
  };
  /** GOPROXY syntax, validated. */
  readonly upstream: string;
  /** GOPRIVATE syntax. */
  readonly private: string;
  readonly cache: {
    readonly listTtlMs: number;
    readonly notFoundTtlMs: number;
    /** Fetch a new version's zip ahead once its `.info` is asked for (ZipPrefetch). */
    readonly prefetchZips: boolean;
  };
  readonly upstreamHttp: {
    readonly connectTimeoutMs: number;
    readonly metadataTimeoutMs: number;
    readonly zipTimeoutMs: number;
    readonly maxConnections: number;
  };
  readonly limits: { readonly maxZipBytes: number; readonly maxModBytes: number };
  readonly log: {
    readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
    readonly format: 'auto' | 'json' | 'pretty';
    readonly accessLog: boolean;
  };
  /**
   * The HTTP server: shutdown grace; how long a client may take to send a request's headers
   * and the whole request; how long an idle keep-alive connection stays open; how many
   * connections may be open in total and per client address (0: no per-client cap).
   */
  readonly server: {
    readonly shutdownGraceMs: number;
    readonly headerTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly idleTimeoutMs: number;
    /** How long a download may wait on a client that takes none of it before it is cut. */
    readonly sendTimeoutMs: number;
    readonly maxConnections: number;
    readonly maxConnectionsPerClient: number;
    /** Cached hits answered on the strict node:net fast path (false: node:http only). */
    readonly fastPath: boolean;
    /** modgate's URL as clients reach it, for the client-config answer ('' = sumdb.server.url, else the listen address). */
    readonly publicUrl: string;
  };
  /**
   * Direct fetching from version control (for `direct` upstream entries and private modules):
   * GOINSECURE-syntax patterns, GOVCS-syntax policy, `PATTERN=URL` rewrites, `HOST=TOKEN` or
   * `HOST=USER:TOKEN` credentials, a .netrc path; `HOST=PATH` ssh private keys (paths
   * absolute), the known_hosts file for them (`''` = ssh's own) and how strictly host keys
   * are checked.
   */
  readonly direct: {
    readonly insecure: string;
    readonly vcsPolicy: string;
    readonly rewrites: readonly { readonly pattern: string; readonly url: string }[];
    readonly credentials: readonly {
      readonly host: string;
      readonly username?: string;
      readonly token: string;
    }[];
    readonly netrc: string;
    readonly sshKeys: readonly { readonly host: string; readonly path: string }[];
    readonly sshKnownHosts: string;
    readonly sshHostKeyChecking: 'strict' | 'accept-new';
    /** The bare-repository cache's bound in bytes (0: no bound); least recently used repositories go first. */
    readonly gitCacheMaxBytes: number;
    /** Repositories not used for this long are evicted (0: no age bound). */
    readonly gitCacheMaxAgeMs: number;
  };
  /**
   * Checksum databases in GOSUMDB syntax (`off` entries dropped); whether to serve /sumdb/;
   * whether to verify every `.mod`/`.zip` against the first database before storing it,
   * except for GONOSUMDB-syntax `noVerify` patterns; what to do when it cannot be reached.
   */
  readonly sumdb: {
    readonly databases: readonly string[];
    readonly proxy: boolean;
    readonly verify: boolean;
    readonly noVerify: string;
    readonly onUnreachable: 'refuse' | 'allow';
    /**
     * Air-gapped: never contact the databases; /sumdb/ answers only from what storage holds
     * (imported bundles), a missing record or tile is a 404 (docs/mirror.md).
     */
    readonly offline: boolean;
  };
  /**
   * modgate's own checksum database (YAML `sumdb.server.*`): served under /sumdb/<name>/ when
   * enabled; `url` is modgate's URL as clients reach it ('' = derived from the listen address).
   */
  readonly sumdbServer: { readonly enabled: boolean; readonly name: string; readonly url: string };
  /** Prometheus metrics at /metrics, on the main listener or (when `listen` is set) only on a separate one. */
  readonly metrics: {
    readonly enabled: boolean;
    readonly listen: { readonly host: string; readonly port: number } | null;
  };
  /** OpenTelemetry tracing, exported over OTLP/HTTP; off when `otlpEndpoint` is ''. */
  readonly tracing: {
    readonly otlpEndpoint: string;
    readonly serviceName: string;
    /** The share of new traces (no sampled parent from the client) that are recorded, 0 to 1. */
    readonly sampleRatio: number;
  };
  /**
   * Retries, circuit breaker and bulkhead for each upstream of the chain: `defaults` for every
   * entry, `perUpstream` for the entries named in `resilience.per_upstream` (complete settings,
   * the defaults filled in). `upstream` is the entry as written in `upstream`, its URL without
   * user information, or `direct`.
   */
  readonly resilience: {
    readonly defaults: UpstreamResilience;
    readonly perUpstream: readonly {
      readonly upstream: string;
      readonly settings: UpstreamResilience;
    }[];
  };
  /**
   * Block lists (`deny`): module pattern (GOPRIVATE syntax), Go semver range, reason; refused
   * with 403 and the reason (docs/block-lists.md).
   */
  readonly deny: readonly {
    readonly module: string;
    readonly versions: string;
    readonly reason: string;
  }[];
  /**
   * Blocks added at run time (admin API, issue 15): how often the stored set is checked for
   * other replicas' changes (ms).
   */
  readonly blocks: { readonly pollIntervalMs: number };
  /**
   * The validator hook (`validator.*`): an HTTP endpoint asked before a new version is stored
   * ('' = none); its time bound; whether an unreachable or slow validator lets versions in;
   * whether private module paths may be sent to it (the company's own service).
   */
  readonly validator: {
    readonly url: string;
    readonly timeoutMs: number;
    readonly failOpen: boolean;
    readonly privateService: boolean;
  };
  /** Hosted modules (`publish.*`): publishing on or off, and the GOPRIVATE-syntax paths hosted. */
  readonly publish: { readonly enabled: boolean; readonly modules: string };
  /** Requests per second each client (address) may make, with a burst; 0: no limit. */
  readonly rateLimit: { readonly requestsPerSecond: number; readonly burst: number };
  /**
   * Client authentication (issue 14; docs/security.md): the users file (absolute; '' = no
   * authentication, every request anonymous).
   */
  readonly auth: { readonly usersFile: string };
  /**
   * Access rules (`PATTERNS read=WHO publish=WHO admin=WHO`, policy/access-rules.ts) and the WHO lists
   * for paths no rule decides.
   */
  readonly access: {
    readonly rules: readonly string[];
    readonly defaultRead: string;
    readonly defaultPublish: string;
    /** WHO may administer (refresh, block, unblock) paths no rule decides (issue 15). */
    readonly defaultAdmin: string;
  };
  /** One audit line per module request; to `file` (absolute), or stdout when ''. */
  readonly audit: { readonly enabled: boolean; readonly file: string };
  /** HTTPS on `listen` with these PEM files (absolute; both '' = plain HTTP). */
  readonly tls: { readonly cert: string; readonly key: string };
  /** Addresses / CIDRs whose X-Forwarded-For is believed (client address for logs, audit, limits). */
  readonly trustedProxies: readonly string[];
}

/** How calls to one upstream are retried, broken and bounded. */
export interface UpstreamResilience {
  /** Extra attempts after the first, for idempotent requests that failed transiently (0: none). */
  readonly retries: number;
  /** The backoff's first and largest delay (exponential, full jitter). */
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Consecutive failures that open the circuit breaker (0: no breaker). */
  readonly breakerFailures: number;
  /** How long an open breaker waits before it lets one probe through (half-open). */
  readonly breakerCooldownMs: number;
  /** Fetches in flight to this upstream at once (0: no bound), and how many may wait for a slot. */
  readonly maxConcurrentFetches: number;
  readonly maxQueuedFetches: number;
}
