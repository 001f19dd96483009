/**
 * Block lists (`deny` in the configuration; issue 14 item 3): rules that refuse module
 * versions to every client, with a reason the developer sees in the go command's output.
 *
 * A rule is `{module, versions, reason}`:
 * - `module`: GOPRIVATE-syntax patterns (comma-separated path-prefix globs,
 *   module/match-prefix-patterns.ts) — an exact module path matches that path and the paths
 *   below it, as GOPRIVATE does;
 * - `versions`: a version range in Go semver (semver/version-range.ts); `""` / `*` = all;
 * - `reason`: plain text sent as the body of the 403.
 *
 * Compiled once (compile-policy.ts) into each path's ModulePolicy.deny; `blockingRule` is the
 * one question asked per version. Blocks added at run time (issue 15) are rules of the same
 * shape with an id, merged after the configured ones (Policy.setRuntimeDeny). Pure.
 */
import { ModgateError } from '../errors/index.js';
import { matchPrefixPatterns, pathMatch } from '../module/index.js';
import { inVersionRange, parseVersionRange, type VersionRange } from '../semver/index.js';

/** A rule as configured. */
export interface DenyRuleInput {
  readonly module: string;
  readonly versions?: string | undefined;
  readonly reason?: string | undefined;
}

/**
 * A compiled rule. `index` is its position in `deny` (0-based), for messages; a block added at
 * run time (issue 15, service/runtime-blocks.ts) has an `id` instead (and index -1).
 */
export interface DenyRule {
  readonly index: number;
  readonly module: string;
  readonly versions: VersionRange;
  readonly reason: string;
  /** The id of a block added at run time; undefined for a configured `deny` rule. */
  readonly id?: string | undefined;
}

/** The longest reason accepted: it travels as a response body the go command prints. */
export const MAX_DENY_REASON = 1000;

/**
 * Compiles the rules; throws ModgateError `invalid` naming the rule (`deny[2]
 * (example.com/bad)`) for a bad pattern, range or reason.
 */
export function compileDenyRules(inputs: readonly DenyRuleInput[]): readonly DenyRule[] {
  return Object.freeze(
    inputs.map((input, index) =>
      compileDenyRule(input, `deny[${index}] (${JSON.stringify(input.module)})`, { index }),
    ),
  );
}

/**
 * Compiles one rule; `name` starts every message (ModgateError `invalid`): the rule's place in
 * `deny`, or what an admin request calls it. `where` is the rule's index, or its id.
 */
export function compileDenyRule(
  input: DenyRuleInput,
  name: string,
  where: { index: number; id?: string },
): DenyRule {
  const fail = (why: string): never => {
    throw new ModgateError('invalid', `${name}: ${why}`);
  };
  const module = input.module.trim();
  if (module === '') fail('module is empty (want a module path or a GOPRIVATE-style pattern)');
  for (const raw of module.split(',')) {
    const pattern = raw.trim().replace(/\/$/, '');
    if (pattern === '') continue;
    if (/\s/.test(pattern) || pattern.includes('://') || pathMatch(pattern, '').badPattern) {
      fail(`"${raw.trim()}" is not a module path pattern (GOPRIVATE syntax)`);
    }
  }
  let versions: VersionRange;
  try {
    versions = parseVersionRange(input.versions ?? '');
  } catch (err) {
    return fail(`versions: ${(err as Error).message}`);
  }
  const reason = (input.reason ?? '').trim();
  if (reason.length > MAX_DENY_REASON) fail(`reason is over ${MAX_DENY_REASON} characters`);
  if (/[^\x20-\x7e\t]/.test(reason)) {
    fail('reason may hold printable ASCII only (it is sent as the text of a 403 answer)');
  }
  const rule = { index: where.index, module, versions, reason };
  return Object.freeze(where.id === undefined ? rule : { ...rule, id: where.id });
}

/** The rules whose module pattern matches `modulePath` (shared empty array when none). */
export function denyRulesFor(rules: readonly DenyRule[], modulePath: string): readonly DenyRule[] {
  if (rules.length === 0) return NO_RULES;
  const matching = rules.filter((r) => matchPrefixPatterns(r.module, modulePath));
  return matching.length === 0 ? NO_RULES : Object.freeze(matching);
}

const NO_RULES: readonly DenyRule[] = Object.freeze([]);

/** The first of `rules` (already matched to the module path) that blocks `version`. */
export function blockingRule(rules: readonly DenyRule[], version: string): DenyRule | undefined {
  for (const rule of rules) if (inVersionRange(rule.versions, version)) return rule;
  return undefined;
}

/**
 * The refusal of a blocked version: `forbidden` (403), its message the plain-text body the go
 * command prints under "server response:".
 */
export function blockedError(modulePath: string, version: string, rule: DenyRule): ModgateError {
  const range = rule.versions.text === '' ? '*' : rule.versions.text;
  const why = rule.reason === '' ? '' : `: ${rule.reason}`;
  const which = rule.id === undefined ? `deny rule ${rule.index + 1}` : `block ${rule.id}`;
  return new ModgateError(
    'forbidden',
    `${modulePath}@${version} is blocked${why} (modgate ${which}: ${rule.module} ${range})`,
  );
}
