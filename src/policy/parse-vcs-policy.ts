/**
 * GOVCS: which version control systems may be used for which repositories. Syntax and
 * semantics of cmd/go vcs.go (parseGOVCS / govcsConfig.allow; `go help vcs`), kept pure so
 * that configuration validation and the compiled policy share them.
 *
 * - A policy is a comma-separated list of `pattern:vcs1|vcs2|...` rules. `pattern` is a
 *   GOPRIVATE-style glob matched against the leading elements of the repository *root* (not the
 *   module path), or `public` / `private` — private meaning the root matches the private
 *   patterns (GOPRIVATE).
 * - `all` allows every VCS; a name that is no VCS (`off`, `none`) allows nothing.
 * - The configured rules come before the defaults `private:all,public:git|hg`; the first rule
 *   whose pattern matches decides, even if it denies. Since `public` or `private` always
 *   matches, every root gets a decision.
 * - `mod` (a GOPROXY named by a go-import tag) involves no VCS and is always allowed (the
 *   caller's concern: see compile-policy.ts).
 * - Parse errors, with Go's messages: empty entry, missing colon, empty pattern, empty VCS
 *   list, empty VCS name, relative pattern (`./x`, `../x`, `.`, `..`), and a pattern repeated
 *   exactly ("unreachable pattern").
 */
import { ModgateError } from '../errors/index.js';
import { matchPrefixPatterns } from '../module/index.js';

export interface VcsPolicyRule {
  pattern: string;
  allowed: string[];
  /** The rule as written (trimmed), for messages. */
  text: string;
}

export interface VcsPolicyDecision {
  allowed: boolean;
  /** The rule that decided; undefined when none matched (only possible without defaults). */
  rule: VcsPolicyRule | undefined;
}

/** Parses GOVCS syntax; '' gives no rules. Throws ModgateError `invalid` with Go's messages. */
export function parseVcsPolicy(s: string): VcsPolicyRule[] {
  s = s.trim();
  if (s === '') return [];
  const rules: VcsPolicyRule[] = [];
  const have = new Map<string, string>();
  for (let item of s.split(',')) {
    item = item.trim();
    if (item === '') throw invalid('empty entry in GOVCS');
    const i = item.indexOf(':');
    if (i < 0) throw invalid(`malformed entry in GOVCS (missing colon): ${JSON.stringify(item)}`);
    const pattern = item.slice(0, i).trim();
    const list = item.slice(i + 1).trim();
    if (pattern === '') throw invalid(`empty pattern in GOVCS: ${JSON.stringify(item)}`);
    if (list === '') throw invalid(`empty VCS list in GOVCS: ${JSON.stringify(item)}`);
    if (isRelativePath(pattern)) {
      throw invalid(`relative pattern not allowed in GOVCS: ${JSON.stringify(pattern)}`);
    }
    const old = have.get(pattern);
    if (old !== undefined) {
      throw invalid(
        `unreachable pattern in GOVCS: ${JSON.stringify(item)} after ${JSON.stringify(old)}`,
      );
    }
    have.set(pattern, item);
    const allowed = list.split('|').map((a) => a.trim());
    if (allowed.some((a) => a === '')) {
      throw invalid(`empty VCS name in GOVCS: ${JSON.stringify(item)}`);
    }
    rules.push({ pattern, allowed, text: item });
  }
  return rules;
}

/** The first rule matching `root` decides; no matching rule denies (cmd/go govcsConfig.allow). */
export function decideVcsPolicy(
  rules: readonly VcsPolicyRule[],
  root: string,
  isPrivate: boolean,
  vcs: string,
): VcsPolicyDecision {
  for (const rule of rules) {
    let match: boolean;
    if (rule.pattern === 'private') match = isPrivate;
    else if (rule.pattern === 'public') match = !isPrivate;
    // A rule's pattern has no comma, so this matches that one pattern.
    else match = matchPrefixPatterns(rule.pattern, root);
    if (!match) continue;
    return { allowed: rule.allowed.some((a) => a === vcs || a === 'all'), rule };
  }
  return { allowed: false, rule: undefined };
}

/** cmd/go's defaultGOVCS, appended after the configured rules. */
export const DEFAULT_VCS_POLICY: readonly VcsPolicyRule[] = [
  { pattern: 'private', allowed: ['all'], text: 'private:all' },
  { pattern: 'public', allowed: ['git', 'hg'], text: 'public:git|hg' },
];

function isRelativePath(pattern: string): boolean {
  return (
    pattern.startsWith('./') || pattern.startsWith('../') || pattern === '.' || pattern === '..'
  );
}

function invalid(message: string): ModgateError {
  return new ModgateError('invalid', message);
}
