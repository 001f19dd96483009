import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { Semaphore } from '../async/index.js';
import { BoundedCache, objectBytes } from '../cache/index.js';
import { ANONYMOUS, type Principal } from '../policy/index.js';
import type { UsersTable } from './auth-users-file.js';

/** The outcome of reading a request's credentials. */
export type AuthResult =
  | { readonly ok: true; readonly principal: Principal }
  /**
   * 400: the header is malformed; 401: credentials missing from it, wrong or unknown; 503: too
   * many password checks already waiting (nothing was decided about these credentials).
   */
  | { readonly ok: false; readonly status: 400 | 401 | 503; readonly reason: string };

export interface AuthenticatorOptions {
  /** How long a verified user name and password are remembered (default 5 minutes). */
  cacheTtlMs?: number;
  /** The memory those may take (default 256 KiB: some 2,000 users). */
  cacheBytes?: number;
  /** The clock of the cache, in ms (tests move their own). */
  now?: () => number;
  /** bcrypt comparisons run at once (default 2: each holds the event loop in slices). */
  maxConcurrentChecks?: number;
  /** Comparisons that may wait for a slot (default 64); more are answered 503 at once. */
  maxQueuedChecks?: number;
}

/** The longest Authorization header read; longer ones are refused with 400 before any work. */
export const MAX_AUTHORIZATION_BYTES = 4096;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/**
 * A bcrypt hash of a random password nobody knows: an unknown user name costs the same bcrypt
 * run as a known one, so response times do not tell which user names exist.
 */
const DUMMY_HASH = '$2b$10$CwTycUXWue0Thq9StjUM0uJ8Kq0bW9Ncq5.C0pZ4u8PuY3k5c8bZa';

const ANONYMOUS_RESULT: AuthResult = Object.freeze({ ok: true, principal: ANONYMOUS });
const WRONG: AuthResult = Object.freeze({
  ok: false,
  status: 401,
  reason: 'wrong user name or password',
});

const BUSY: AuthResult = Object.freeze({
  ok: false,
  status: 503,
  reason:
    'too many password checks waiting; retry shortly (a token instead of a password needs no such check)',
});

function refused(status: 400 | 401, reason: string): AuthResult {
  return { ok: false, status, reason };
}

function sha256(text: string, encoding: 'hex' | 'base64'): string {
  return createHash('sha256').update(text).digest(encoding);
}

/**
 * Reads the credentials the go command sends (HTTP Basic, from `.netrc` or GOAUTH) and bearer
 * tokens, against the users file (auth-users-file.ts). No header: anonymous (the access rules
 * decide what that may read). A header that is there but wrong is never anonymous: 401.
 *
 * Cost: a bearer token, or a token used as a Basic password, is one SHA-256 and a map lookup.
 * A password is a bcrypt comparison (~50 ms of CPU at cost 10), so a verified user name and
 * password are remembered for `cacheTtlMs`, keyed by the SHA-256 of both (never the password
 * itself), in a byte-bounded LRU that `replace` empties; failures are never remembered. The
 * comparisons that involve a secret are bcryptjs's constant-time one; looking a hash up in a
 * map leaks nothing about the secret (an attacker cannot steer the hash's bytes).
 *
 * bcrypt runs on the event loop (bcryptjs, in slices): a flood of wrong passwords must not
 * starve everything else, so at most `maxConcurrentChecks` run at once and `maxQueuedChecks`
 * wait; beyond that a request is answered 503 without a comparison.
 */
export class Authenticator {
  private table: UsersTable;
  private principals = new Map<string, Principal>();
  private readonly verified: BoundedCache<Principal>;
  private readonly ttlMs: number;
  /** Bumped by `replace`: a comparison that started before must not fill the new cache. */
  private generation = 0;
  private readonly checks: Semaphore;
  private readonly maxQueued: number;

  constructor(table: UsersTable, options: AuthenticatorOptions = {}) {
    this.table = table;
    this.ttlMs = options.cacheTtlMs ?? 5 * 60_000;
    this.checks = new Semaphore(options.maxConcurrentChecks ?? 2);
    this.maxQueued = options.maxQueuedChecks ?? 64;
    this.verified = new BoundedCache<Principal>({
      maxBytes: options.cacheBytes ?? 256 * 1024,
      sizeOf: () => objectBytes(2),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    this.index();
  }

  /** Puts a reloaded users file in force; forgets every remembered verification. */
  replace(table: UsersTable): void {
    this.table = table;
    this.generation++;
    this.verified.clear();
    this.index();
  }

  /** How many users the file in force has (for the reload log line). */
  get userCount(): number {
    return this.table.users.size;
  }

  /**
   * The principal of a request with this Authorization header; synchronous unless a password
   * must go through bcrypt.
   */
  authenticate(header: string | undefined): AuthResult | Promise<AuthResult> {
    if (header === undefined) return ANONYMOUS_RESULT;
    const parsed = this.parse(header);
    if ('ok' in parsed) return parsed;
    if (parsed.kind === 'bearer') return this.byToken(parsed.token);
    return this.byPassword(parsed.user, parsed.password);
  }

  /**
   * `authenticate`'s answer when it needs no bcrypt run (no header, a token, a remembered
   * password); undefined otherwise (the fast path then hands the request to node:http).
   */
  authenticateNow(header: string | undefined): AuthResult | undefined {
    const result = this.authenticate(header);
    if (!(result instanceof Promise)) return result;
    result.catch(() => undefined); // the caller asks again on the slow path
    return undefined;
  }

  private index(): void {
    const principals = new Map<string, Principal>();
    for (const user of this.table.users.values()) {
      principals.set(user.name, Object.freeze({ user: user.name, groups: user.groups }));
    }
    this.principals = principals;
  }

  private parse(
    header: string,
  ):
    | AuthResult
    | { kind: 'basic'; user: string; password: string }
    | { kind: 'bearer'; token: string } {
    if (header.length > MAX_AUTHORIZATION_BYTES) {
      return refused(400, `Authorization header longer than ${MAX_AUTHORIZATION_BYTES} bytes`);
    }
    const value = header.trim();
    const space = value.indexOf(' ');
    const scheme = (space < 0 ? value : value.slice(0, space)).toLowerCase();
    const rest = space < 0 ? '' : value.slice(space + 1).trim();
    if (scheme === 'basic') {
      if (!BASE64.test(rest) || rest.length % 4 !== 0) {
        return refused(400, 'malformed Authorization header: Basic credentials are not base64');
      }
      const decoded = Buffer.from(rest, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) {
        return refused(400, 'malformed Authorization header: Basic credentials need user:password');
      }
      return { kind: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (scheme === 'bearer') {
      if (!B64TOKEN.test(rest)) {
        return refused(400, 'malformed Authorization header: not a bearer token');
      }
      return { kind: 'bearer', token: rest };
    }
    return refused(401, 'unsupported authorization scheme: send HTTP Basic or a bearer token');
  }

  private byToken(token: string): AuthResult {
    const owner = this.table.tokens.get(sha256(token, 'hex'));
    const principal = owner === undefined ? undefined : this.principals.get(owner);
    return principal === undefined
      ? refused(401, 'unknown or revoked token')
      : { ok: true, principal };
  }

  private byPassword(user: string, password: string): AuthResult | Promise<AuthResult> {
    const key = sha256(`${user}\u0000${password}`, 'base64');
    const remembered = this.verified.get(key);
    if (remembered !== undefined) return { ok: true, principal: remembered };
    const entry = this.table.users.get(user);
    const principal = this.principals.get(user);
    if (entry !== undefined && principal !== undefined && password !== '') {
      // A token may stand in for the password (a .netrc holding a token).
      if (this.table.tokens.get(sha256(password, 'hex')) === user) return { ok: true, principal };
    }
    const hash = entry?.passwordHash ?? DUMMY_HASH;
    const generation = this.generation;
    const full = this.checks.holders >= this.checks.limit && this.checks.waiting >= this.maxQueued;
    if (full) return BUSY;
    return this.checks
      .run(() => bcrypt.compare(password, hash))
      .then(
        (match) => {
          if (!match || entry?.passwordHash === undefined || principal === undefined) return WRONG;
          if (generation === this.generation) this.verified.set(key, principal, this.ttlMs);
          return { ok: true, principal };
        },
        () => WRONG,
      );
  }
}
