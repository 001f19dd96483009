/**
 * What modgate may do with a module path, decided once from the configuration: private or
 * public, verified against the checksum database or not, fetched insecurely or not, and which
 * version control systems its repository may be fetched with. The patterns are the go
 * command's (GOPRIVATE, GONOSUMDB, GOINSECURE, GOVCS; https://go.dev/ref/mod#private-modules,
 * `go help vcs`) with their semantics unchanged.
 *
 * - module-policy: the Policy / ModulePolicy contract the rest of modgate asks.
 * - compile-policy: the patterns compiled into a Policy, decisions remembered per path in a
 *   byte-bounded cache.
 * - parse-vcs-policy: GOVCS syntax (Go's error messages) and the first-matching-rule decision.
 * - url-rewrites: operator-configured module path prefix → repository URL templates, matched
 *   before the static table and `?go-get=1` discovery; scp-like-url: git's `host:path` form.
 * - ssh-host-pattern, ssh-path-problem: the syntax of `direct.ssh_keys` entries.
 * - access-principal, access-rules: who may read, publish or administer which module paths
 *   (`access.*`, issues 14 and 15): a Principal (user and groups, or anonymous) and the first
 *   matching rule.
 * - deny-rules: block lists (`deny`): module pattern + Go semver range + reason, per path;
 *   blocks added at run time (issue 15) are merged in through Policy.setRuntimeDeny.
 *
 * Everything here is pure: no I/O, so configuration validation can use it too.
 */
export type { ModulePolicy, Policy } from './module-policy.js';
export { ANONYMOUS, type AccessAction, type Principal } from './access-principal.js';
export {
  OPEN_ACCESS,
  compileAccess,
  parseAccessRule,
  parseGrant,
  type AccessControl,
  type AccessRule,
  type AccessSettings,
  type Grant,
} from './access-rules.js';
export {
  DEFAULT_POLICY_CACHE_BYTES,
  compilePolicy,
  type CompilePolicyOptions,
  type PolicyPatterns,
} from './compile-policy.js';
export {
  DEFAULT_VCS_POLICY,
  decideVcsPolicy,
  parseVcsPolicy,
  type VcsPolicyDecision,
  type VcsPolicyRule,
} from './parse-vcs-policy.js';
export {
  compileRewrites,
  matchRewrite,
  type CompiledRewrite,
  type RewriteMatch,
  type RewriteRule,
} from './url-rewrites.js';
export {
  MAX_DENY_REASON,
  blockedError,
  blockingRule,
  compileDenyRule,
  compileDenyRules,
  denyRulesFor,
  type DenyRule,
  type DenyRuleInput,
} from './deny-rules.js';
export { parseScpLike, type ScpLikeUrl } from './scp-like-url.js';
export { parseSshHostPattern, type SshHostPattern } from './ssh-host-pattern.js';
export { sshPathProblem } from './ssh-path-problem.js';
