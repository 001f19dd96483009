/**
 * Per-pattern access rules (issue 14 item 2): which principals may read or publish which
 * module paths. Configured as text, one rule per entry of `access.rules`:
 *
 *     PATTERNS [read=WHO] [publish=WHO] [admin=WHO]
 *
 * PATTERNS is a GOPRIVATE-syntax list (comma-separated globs matched against leading path
 * elements, module/match-prefix-patterns.ts); WHO is a comma-separated list of user names,
 * `@group`, `authenticated` (any user of the users file) and `anonymous` (anyone, credentials
 * or not), or `none`. The first rule whose patterns match a module path decides; an action a
 * rule leaves out, and every path no rule matches, takes `access.default_read` /
 * `access.default_publish` / `access.default_admin`. `admin` (issue 15) is the dashboard's
 * admin actions on a path: refresh its list, block and unblock its versions.
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
  readonly admin: Grant | undefined;
  /** The rule as configured, for messages. */
  readonly text: string;
}

export interface AccessSettings {
  /** `access.rules` entries, in order. */
  readonly rules: readonly string[];
  /** WHO lists for paths no rule decides (`access.default_read`, `access.default_publish`). */
  readonly defaultRead: string;
  readonly defaultPublish: string;
  /** `access.default_admin`; absent: `none`. */
  readonly defaultAdmin?: string | undefined;
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
  /** True when some rule or the default grants `admin` to anyone at all. */
  readonly anyAdmin: boolean;
}

const ACTIONS: readonly AccessAction[] = ['read', 'publish', 'admin'];

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
 * entry for anything but `PATTERNS [read=WHO] [publish=WHO] [admin=WHO]`.
 */
export function parseAccessRule(text: string): AccessRule {
  const [patterns = '', ...pairs] = text.trim().split(/\s+/);
  const where = `access rule ${JSON.stringify(text.trim())}`;
  if (patterns === '' || patterns.includes('=')) {
    throw new ModgateError(
      'invalid',
      `${where}: expected "PATTERNS read=WHO publish=WHO admin=WHO", e.g. "corp.example.com/* read=@dev publish=@release admin=@ops"`,
    );
  }
  const found: Partial<Record<AccessAction, Grant>> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (
      eq > 0 &&
      ACTIONS.includes(key as AccessAction) &&
      found[key as AccessAction] === undefined
    ) {
      found[key as AccessAction] = parseGrant(value, where);
    } else {
      throw new ModgateError(
        'invalid',
        `${where}: ${JSON.stringify(pair)}: expected read=WHO, publish=WHO or admin=WHO (each at most once)`,
      );
    }
  }
  const { read, publish, admin } = found;
  return Object.freeze({ patterns, read, publish, admin, text: text.trim() });
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
  readonly admin: Grant;
}

/** Compiles the settings; throws ModgateError `invalid` for a malformed rule or WHO list. */
export function compileAccess(
  settings: AccessSettings,
  options: { cacheBytes?: number } = {},
): AccessControl {
  const rules = settings.rules.map(parseAccessRule);
  const defaultRead = parseGrant(settings.defaultRead, 'access.default_read');
  const defaultPublish = parseGrant(settings.defaultPublish, 'access.default_publish');
  const defaultAdmin = parseGrant(settings.defaultAdmin ?? 'none', 'access.default_admin');
  const decisions = new BoundedCache<Decision>({
    maxBytes: options.cacheBytes ?? 1024 * 1024,
    sizeOf: (d) => objectBytes(4) + stringBytes(d.modulePath),
  });
  const decide = (modulePath: string): Decision => {
    let decision = decisions.get(modulePath);
    if (decision !== undefined) return decision;
    const rule = rules.find((r) => matchPrefixPatterns(r.patterns, modulePath));
    decision = Object.freeze({
      modulePath: ownedString(modulePath),
      read: rule?.read ?? defaultRead,
      publish: rule?.publish ?? defaultPublish,
      admin: rule?.admin ?? defaultAdmin,
    });
    decisions.set(decision.modulePath, decision);
    return decision;
  };
  const anonymousReadsAll =
    defaultRead.anonymous && rules.every((r) => r.read === undefined || r.read.anonymous);
  const anyAdmin = [defaultAdmin, ...rules.map((r) => r.admin)].some(
    (g) => g !== undefined && (g.anonymous || g.authenticated || g.users.size + g.groups.size > 0),
  );
  return {
    anonymousReadsAll,
    anyAdmin,
    may(principal, action, modulePath) {
      if (action === 'read' && anonymousReadsAll) return true;
      return grants(decide(modulePath)[action], principal);
    },
  };
}

/** Access settings that let anyone read everything and nobody publish (no `access:` configured). */
export const OPEN_ACCESS: AccessSettings = Object.freeze({
  rules: Object.freeze([]),
  defaultRead: 'anonymous',
  defaultPublish: 'none',
  defaultAdmin: 'none',
});
