import type { DenyRule } from './deny-rules.js';

/**
 * The per-module decision the rest of modgate asks for, compiled once from the configuration
 * (see compile-policy.ts). One object answers every "what may modgate do with this module
 * path" question, so later rules (access control, block lists, per-pattern modes) extend this
 * file instead of threading new pattern strings through constructors.
 *
 * Pattern semantics are the go command's (GOPRIVATE, GONOSUMDB, GOINSECURE, GOVCS;
 * `go help private`, `go help vcs`): comma-separated globs matched against leading path
 * elements (module/match-prefix-patterns.ts).
 */
import type { AccessAction, Principal } from './access-principal.js';

export interface ModulePolicy {
  /** The module path decided on. */
  readonly modulePath: string;
  /**
   * Matches `private` (GOPRIVATE): never sent to an upstream proxy or a public checksum
   * database; fetched from version control when direct fetching is configured.
   */
  readonly private: boolean;
  /**
   * Checked against the checksum database before it is stored: false for private paths and
   * for paths matching `sumdb.no_verify` (GONOSUMDB).
   */
  readonly verify: boolean;
  /** Matches `direct.insecure` (GOINSECURE): plain HTTP and unverified TLS allowed. */
  readonly insecure: boolean;
  /**
   * Matches `publish.modules`: hosted by modgate itself (`modgate publish`), served from
   * storage only and never looked up upstream or in version control (issue 14 item 6).
   */
  readonly hosted: boolean;
  /** The block-list rules (`deny`) matching this path, in order; empty for most paths. */
  readonly deny: readonly DenyRule[];
}

/** The compiled policy: one decision per module path. */
export interface Policy {
  forModule(modulePath: string): ModulePolicy;
  /**
   * Whether `principal` may `read` (any route revealing the module), `publish` or `admin`
   * (refresh, block, unblock; issue 15) the module path, by the access rules (access-rules.ts; issue 14). Asked before anything is read.
   */
  may(principal: Principal, action: AccessAction, modulePath: string): boolean;
  /** True when no access rule restricts reading: anonymous clients read every path. */
  readonly anonymousReadsAll: boolean;
  /** True when some access rule or `access.default_admin` grants `admin` to anyone. */
  readonly anyAdmin: boolean;
  /** The configured `deny` rules (they cannot be removed at run time). */
  readonly configuredDeny: readonly DenyRule[];
  /**
   * Replaces the blocks added at run time (issue 15, service/runtime-blocks.ts): merged after
   * the configured `deny` rules into every path's `deny`. The per-path decisions are made
   * again (the remembered ones are dropped at once), so the next `forModule` sees the new
   * set; a lookup costs what it did. Whoever holds answers made under the old set (the
   * answer cache) drops them too.
   */
  setRuntimeDeny(rules: readonly DenyRule[]): void;
  /**
   * Throws ModgateError `forbidden`, naming the deciding rule, when `vcs` may not be used for
   * the repository whose root import path is `root` (GOVCS; `mod` is always allowed).
   */
  checkVcs(vcs: string, root: string): void;
}
