/**
 * Per-pattern access rules (issue 14 item 2): which principals may read or publish which
 * module paths. Configured as text, one rule per entry of `access.rules`:
 *
 *     PATTERNS [read=WHO] [publish=WHO]
 *
 * PATTERNS is a GOPRIVATE-syntax list (comma-separated globs matched against leading path
 * elements, module/match-prefix-patterns.ts); WHO is a comma-separated list of user names,
 * `@group`, `authenticated` (any user of the users file) and `anonymous` (anyone, credentials
 * or not), or `none`. The first rule whose patterns match a module path decides; an action a
 * rule leaves out, and every path no rule matches, takes `access.default_read` /
 * `access.default_publish`.
 *
 * Pure: no I/O. Which rule matches is computed once per module path and remembered in a
 * byte-bounded LRU (clients choose the paths they ask for).
 */
import { BoundedCache, objectBytes, ownedString, stringBytes } from '../cache/index.js';
import { ModgateError } from '../errors/index.js';
import { matchPrefixPatterns } from '../module/index.js';
import type { AccessAction, Principal } from './access-principal.js';

/** Who may do one action: a compiled WHO list. */
export interface Grant {
  readonly anonymous: boolean;
  readonly authenticated: boolean;
  readonly users: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

/** One parsed rule; an action left out is undefined (the default applies). */
export interface AccessRule {
  readonly patterns: string;
  readonly read: Grant | undefined;
  readonly publish: Grant | undefined;
  /** The rule as configured, for messages. */
  readonly text: string;
}

export interface AccessSettings {
  /** `access.rules` entries, in order. */
  readonly rules: readonly string[];
  /** WHO lists for paths no rule decides (`access.default_read`, `access.default_publish`). */
  readonly defaultRead: string;
  readonly defaultPublish: string;
}

/** The compiled rules: one question, asked before anything about a module is read. */
export interface AccessControl {
  /** Whether `principal` may do `action` with module path `modulePath`. */
  may(principal: Principal, action: AccessAction, modulePath: string): boolean;
  /**
   * True when every module path may be read without credentials (no rule and no default
   * restricts reading): then nothing about reading needs authentication at all.
   */
  readonly anonymousReadsAll: boolean;
}

const WHO_NAME = /^@?[A-Za-z0-9][A-Za-z0-9._@+-]*$/;

/** Parses a WHO list; throws ModgateError `invalid` naming the bad entry. */
export function parseGrant(who: string, where: string): Grant {
  const users = new Set<string>();
  const groups = new Set<string>();
  let anonymous = false;
  let authenticated = false;
  for (const raw of who.split(',')) {
    const name = raw.trim();
    if (name === '' || name === 'none') continue;
    if (name === 'anonymous') anonymous = true;
    else if (name === 'authenticated') authenticated = true;
    else if (!WHO_NAME.test(name)) {
      throw new ModgateError(
        'invalid',
        `${where}: ${JSON.stringify(name)} is not a user name, @group, "authenticated", "anonymous" or "none"`,
      );
    } else if (name.startsWith('@')) groups.add(name.slice(1));
    else users.add(name);
  }
  return Object.freeze({ anonymous, authenticated, users, groups });
}

/**
 * Parses one `access.rules` entry. Throws ModgateError `invalid` with a message naming the
 * entry for anything but `PATTERNS [read=WHO] [publish=WHO]`.
 */
export function parseAccessRule(text: string): AccessRule {
  const [patterns = '', ...pairs] = text.trim().split(/\s+/);
  const where = `access rule ${JSON.stringify(text.trim())}`;
  if (patterns === '' || patterns.includes('=')) {
    throw new ModgateError(
      'invalid',
      `${where}: expected "PATTERNS read=WHO publish=WHO", e.g. "corp.example.com/* read=@dev publish=@release"`,
    );
  }
  let read: Grant | undefined;
  let publish: Grant | undefined;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (eq > 0 && key === 'read' && read === undefined) read = parseGrant(value, where);
    else if (eq > 0 && key === 'publish' && publish === undefined) {
      publish = parseGrant(value, where);
    } else {
      throw new ModgateError(
        'invalid',
        `${where}: ${JSON.stringify(pair)}: expected read=WHO or publish=WHO (each at most once)`,
      );
    }
  }
  return Object.freeze({ patterns, read, publish, text: text.trim() });
}

function grants(grant: Grant, principal: Principal): boolean {
  if (grant.anonymous) return true;
  const user = principal.user;
  if (user === undefined) return false;
  if (grant.authenticated || grant.users.has(user)) return true;
  for (const group of principal.groups) if (grant.groups.has(group)) return true;
  return false;
}

/** The grants that apply to one module path. */
interface Decision {
  readonly modulePath: string;
  readonly read: Grant;
  readonly publish: Grant;
}

/** Compiles the settings; throws ModgateError `invalid` for a malformed rule or WHO list. */
export function compileAccess(
  settings: AccessSettings,
  options: { cacheBytes?: number } = {},
): AccessControl {
  const rules = settings.rules.map(parseAccessRule);
  const defaultRead = parseGrant(settings.defaultRead, 'access.default_read');
  const defaultPublish = parseGrant(settings.defaultPublish, 'access.default_publish');
  const decisions = new BoundedCache<Decision>({
    maxBytes: options.cacheBytes ?? 1024 * 1024,
    sizeOf: (d) => objectBytes(3) + stringBytes(d.modulePath),
  });
  const decide = (modulePath: string): Decision => {
    let decision = decisions.get(modulePath);
    if (decision !== undefined) return decision;
    const rule = rules.find((r) => matchPrefixPatterns(r.patterns, modulePath));
    decision = Object.freeze({
      modulePath: ownedString(modulePath),
      read: rule?.read ?? defaultRead,
      publish: rule?.publish ?? defaultPublish,
    });
    decisions.set(decision.modulePath, decision);
    return decision;
  };
  const anonymousReadsAll =
    defaultRead.anonymous && rules.every((r) => r.read === undefined || r.read.anonymous);
  return {
    anonymousReadsAll,
    may(principal, action, modulePath) {
      if (action === 'read' && anonymousReadsAll) return true;
      const decision = decide(modulePath);
      return grants(action === 'read' ? decision.read : decision.publish, principal);
    },
  };
}

/** Access settings that let anyone read everything and nobody publish (no `access:` configured). */
export const OPEN_ACCESS: AccessSettings = Object.freeze({
  rules: Object.freeze([]),
  defaultRead: 'anonymous',
  defaultPublish: 'none',
});
