/**
 * The configuration's per-module patterns compiled once into a Policy (module-policy.ts).
 *
 * Go's rules (`go help private`, `go help module-private`, `go help vcs`):
 * - `private` (GOPRIVATE): such paths are never sent to an upstream proxy or a public checksum
 *   database. As GONOSUMDB defaults to GOPRIVATE in the go command, a private path is never
 *   verified either.
 * - `noVerify` (GONOSUMDB): paths stored without a checksum database lookup.
 * - `insecure` (GOINSECURE): paths that may be fetched over plain HTTP or unverified TLS.
 * - `vcsPolicy` (GOVCS): the configured rules, then `private:all,public:git|hg`; "private"
 *   there means the repository *root* matches the `private` patterns (not the module path).
 *
 * Pure: no I/O. Each decision is computed once per module path and remembered in a
 * byte-bounded LRU, so a request costs one map lookup; the bound matters because clients
 * choose the paths they ask for.
 */
import { BoundedCache, objectBytes, ownedString, stringBytes } from '../cache/index.js';
import { ModgateError } from '../errors/index.js';
import { matchPrefixPatterns } from '../module/index.js';
import { compileDenyRules, denyRulesFor, type DenyRule, type DenyRuleInput } from './deny-rules.js';
import type { ModulePolicy, Policy } from './module-policy.js';
import { OPEN_ACCESS, compileAccess, type AccessSettings } from './access-rules.js';
import { DEFAULT_VCS_POLICY, decideVcsPolicy, parseVcsPolicy } from './parse-vcs-policy.js';

export interface PolicyPatterns {
  /** GOPRIVATE-syntax patterns (`private`). */
  private: string;
  /** GONOSUMDB-syntax patterns (`sumdb.no_verify`). */
  noVerify: string;
  /** GOINSECURE-syntax patterns (`direct.insecure`). */
  insecure: string;
  /** GOVCS-syntax rules (`direct.vcs_policy`), before the defaults. */
  vcsPolicy: string;
  /** Access rules (`access.*`, access-rules.ts); absent: anyone reads, nobody publishes. */
  access?: AccessSettings | undefined;
  /** Block-list rules (`deny`, deny-rules.ts); none if absent. */
  deny?: readonly DenyRuleInput[] | undefined;
  /** GOPRIVATE-syntax patterns of modules hosted by modgate (`publish.modules`). */
  hosted?: string | undefined;
}

export interface CompilePolicyOptions {
  /** The most bytes the remembered decisions may take. Default 4 MiB. */
  cacheBytes?: number;
}

/** The default bound of remembered decisions (some 10,000 typical module paths). */
export const DEFAULT_POLICY_CACHE_BYTES = 4 * 1024 * 1024;

/** What one remembered decision keeps alive besides its key: the object and its path. */
function decisionBytes(decision: ModulePolicy): number {
  return objectBytes(6) + stringBytes(decision.modulePath);
}

/**
 * Compiles the patterns into a Policy. Throws ModgateError `invalid` (Go's messages) for a
 * malformed GOVCS value, and naming the rule for a malformed `deny` rule; the glob patterns never throw (a malformed glob matches nothing, as
 * in the go command — config validation reports them).
 */
export function compilePolicy(
  patterns: PolicyPatterns,
  options: CompilePolicyOptions = {},
): Policy {
  const privatePatterns = patterns.private.trim();
  const noVerify = patterns.noVerify.trim();
  const insecure = patterns.insecure.trim();
  const vcsRules = [...parseVcsPolicy(patterns.vcsPolicy), ...DEFAULT_VCS_POLICY];
  const configuredDeny = compileDenyRules(patterns.deny ?? []);
  // Configured rules, then the blocks added at run time (swapped whole by setRuntimeDeny).
  let denyRules: readonly DenyRule[] = configuredDeny;
  const hosted = (patterns.hosted ?? '').trim();
  const decisions = new BoundedCache<ModulePolicy>({
    maxBytes: options.cacheBytes ?? DEFAULT_POLICY_CACHE_BYTES,
    sizeOf: decisionBytes,
  });

  const decide = (modulePath: string): ModulePolicy => {
    const isPrivate = privatePatterns !== '' && matchPrefixPatterns(privatePatterns, modulePath);
    return Object.freeze({
      // A path from a request may share memory with a larger string; keep only its own.
      modulePath: ownedString(modulePath),
      private: isPrivate,
      verify: !isPrivate && !(noVerify !== '' && matchPrefixPatterns(noVerify, modulePath)),
      insecure: insecure !== '' && matchPrefixPatterns(insecure, modulePath),
      hosted: hosted !== '' && matchPrefixPatterns(hosted, modulePath),
      deny: denyRulesFor(denyRules, modulePath),
    });
  };

  const forModule = (modulePath: string): ModulePolicy => {
    let decision = decisions.get(modulePath);
    if (decision === undefined) {
      decision = decide(modulePath);
      decisions.set(decision.modulePath, decision);
    }
    return decision;
  };

  const access = compileAccess(patterns.access ?? OPEN_ACCESS);

  return {
    forModule,
    may: (principal, action, modulePath) => access.may(principal, action, modulePath),
    anonymousReadsAll: access.anonymousReadsAll,
    anyAdmin: access.anyAdmin,
    configuredDeny,
    setRuntimeDeny(rules: readonly DenyRule[]): void {
      denyRules = Object.freeze([...configuredDeny, ...rules]);
      decisions.clear();
    },
    checkVcs(vcs: string, root: string): void {
      if (vcs === 'mod') return;
      const isPrivate = forModule(root).private;
      const { allowed, rule } = decideVcsPolicy(vcsRules, root, isPrivate, vcs);
      if (allowed) return;
      const what = isPrivate ? 'private' : 'public';
      const by =
        rule === undefined
          ? 'no rule matches'
          : DEFAULT_VCS_POLICY.includes(rule)
            ? `default rule ${JSON.stringify(rule.text)}`
            : `rule ${JSON.stringify(rule.text)}`;
      throw new ModgateError(
        'forbidden',
        `VCS policy disallows using ${vcs} for ${what} ${root} (${by} in direct.vcs_policy)`,
      );
    },
  };
}
