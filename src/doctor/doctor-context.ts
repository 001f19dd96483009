import type { Locale } from '../i18n/index.js';
import type { DoctorTranslate } from './doctor-messages.js';

/**
 * What every doctor check reads: the machine as the go command sees it, gathered once before
 * the checks run (go env, the module's go.mod/go.work/go.sum, the company's modgate settings).
 * Checks never re-read these themselves, so the report is consistent and tests can build a
 * context for one situation.
 */

/** Where a go env value comes from, as `go env` resolves it: the process environment wins over the GOENV file, which wins over the default. */
export type GoEnvSource = 'environment' | 'goenv-file' | 'default';

export interface GoFacts {
  /** The go binary that was run (absolute when found on PATH). */
  binary: string;
  /** `go version` output's version, e.g. `go1.19.8`. */
  version: string;
  /** `go env -json` as printed. */
  env: Readonly<Record<string, string>>;
  /** Where each variable of `env` came from. */
  sources: Readonly<Record<string, GoEnvSource>>;
  /** The GOENV file `go env -w` writes (absent when GOENV=off). */
  goEnvFile?: string;
}

/** Why the go command could not be read (DoctorContext.go is undefined). */
export interface GoProblem {
  /** One line, e.g. `go was not found on PATH` or the go command's own error. */
  summary: string;
  details: string[];
}

export interface Requirement {
  path: string;
  version: string;
  indirect: boolean;
  /** The go.mod (or go.work) file that names it. */
  file: string;
}

export interface Replacement {
  oldPath: string;
  oldVersion?: string;
  /** A module path, or a directory (starting with ./, ../ or /) — then newVersion is undefined. */
  newPath: string;
  newVersion?: string;
  /** The absolute directory a directory replacement points at. */
  dir?: string;
  file: string;
}

export interface ModuleNeeds {
  /** The directory holding go.work or go.mod (the main module's root). */
  root: string;
  /** go.mod files read (one, or one per go.work `use`). */
  modFiles: string[];
  /** go.work when in workspace mode. */
  workFile?: string;
  /** The main modules' own paths. */
  mainModules: string[];
  /** The highest `go` line of the main modules (and go.work), e.g. `1.21`. */
  goVersion?: string;
  /** go.mod / go.work / go.sum files that could not be read or parsed, one message each. */
  problems?: string[];
  requirements: Requirement[];
  replacements: Replacement[];
  /** Lines of go.sum (and go.work.sum) as `path version hash`, for "missing go.sum line" checks. */
  sumLines: ReadonlySet<string>;
  /**
   * The module paths `go mod download` would fetch from the network (requirements not replaced by
   * a directory), each with whether it is private by GOPRIVATE / GONOPROXY / GONOSUMDB.
   */
  fetched: readonly FetchedModule[];
}

export interface FetchedModule {
  path: string;
  version: string;
  /** Matched by GONOPROXY (GOPRIVATE when GONOPROXY is unset): fetched direct, not through GOPROXY. */
  noProxy: boolean;
  /** Matched by GONOSUMDB (GOPRIVATE when unset): not checked against the checksum database. */
  noSumdb: boolean;
}

/** What `GET /.well-known/modgate/client-config` of a modgate serve answers (JSON). */
export interface ClientConfig {
  /** The proxy URL clients put in GOPROXY. */
  url: string;
  /** The GOPROXY value the server recommends, e.g. `https://modgate.corp,off`. */
  goproxy: string;
  /** Private module path patterns (GOPRIVATE syntax, comma-separated) clients must put in GONOSUMDB (or GOPRIVATE). */
  private: string;
  /** The GOSUMDB value clients should use (e.g. `sum.golang.org https://modgate.corp/sumdb/sum.golang.org`). */
  gosumdb: string;
  /** Whether the server asks clients for credentials (a .netrc entry for its host). */
  credentials: boolean;
}

export interface DoctorContext {
  /** The directory doctor was pointed at (absolute). */
  dir: string;
  /** The process environment, as the go command and git will see it. */
  env: Readonly<Record<string, string | undefined>>;
  /** The user's home directory (.netrc, .ssh, .gitconfig live there). */
  home: string;
  /** undefined when no go command could be run (the go checks report why). */
  go: GoFacts | undefined;
  /** Why `go` is undefined. */
  goProblem?: GoProblem;
  /** undefined when dir is not inside a module or workspace. */
  module: ModuleNeeds | undefined;
  /** The company's modgate settings, when --server (or MODGATE_SERVER) was given and answered. */
  server: ClientConfig | undefined;
  /** The --server (or MODGATE_SERVER) URL as given, when one was. */
  serverUrl?: string;
  /** Why `server` is undefined although serverUrl is set (not reachable, not JSON, invalid). */
  serverProblem?: string;
  /** --offline: checks that need the network return a skip finding. */
  offline: boolean;
  /** Every single probe (a DNS lookup, a connect, a TLS handshake, a subprocess) ends within this many ms. */
  probeTimeoutMs: number;
  /** Aborted when the whole run's time is up or the user pressed Ctrl-C. */
  signal: AbortSignal;
  /** The language of the findings' texts (`--lang`, else LC_ALL / LC_MESSAGES / LANG; en for --json). */
  locale: Locale;
  /** The findings' texts in `locale`: checks word every summary, why and fix through it. */
  t: DoctorTranslate;
}
