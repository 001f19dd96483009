/** The validated, frozen configuration the rest of modgate reads (camelCase; YAML is snake_case). */
export interface Config {
  readonly listen: { readonly host: string; readonly port: number };
  /** Absolute. */
  readonly dataDir: string;
  readonly storage: { readonly backend: 'disk' | 'memory' };
  /** GOPROXY syntax, validated. */
  readonly upstream: string;
  /** GOPRIVATE syntax. */
  readonly private: string;
  readonly cache: { readonly listTtlMs: number; readonly notFoundTtlMs: number };
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
  };
  /**
   * modgate's own checksum database (YAML `sumdb.server.*`): served under /sumdb/<name>/ when
   * enabled; `url` is modgate's URL as clients reach it ('' = derived from the listen address).
   */
  readonly sumdbServer: { readonly enabled: boolean; readonly name: string; readonly url: string };
}
