import type { IncomingMessage, ServerResponse } from 'node:http';
import { ANONYMOUS, type Policy, type Principal } from '../policy/index.js';
import type { AuthResult, Authenticator } from './auth-authenticator.js';
import type { IndexFeedRoute } from './index-feed-handler.js';

/** A refused request: what is sent instead of anything about the module. */
export interface Denial {
  readonly status: 400 | 401 | 403 | 404 | 503;
  readonly body: string;
}

/** The challenge the go command answers with `.netrc` credentials for the GOPROXY host. */
export const WWW_AUTHENTICATE = 'Basic realm="modgate"';

const ANONYMOUS_RESULT: AuthResult = Object.freeze({ ok: true, principal: ANONYMOUS });

/**
 * Who is asking, and may they read this (issue 14 items 1 and 2): the one place the HTTP layer
 * turns credentials into a Principal and a refused read into a status, for every route that
 * reveals a module (GOPROXY paths on both the fast path and node:http, checksum database
 * lookups and own-database tiles, the client configuration, the index feed).
 *
 * A read the access rules refuse is answered, before anything about the module is read:
 * - 401 with `WWW-Authenticate` when the client sent no credentials (or wrong ones: that is
 *   decided by authentication already), so the go command reports an authentication error;
 * - 404 when the user is known but the path matches `private`: the same answer whether the
 *   module exists or not, so a user learns nothing about private modules they may not read;
 * - 403 when the user is known and the path is not private (its existence is no secret).
 */
export class AuthGate {
  private readonly authenticator: Authenticator | undefined;
  private readonly policy: Pick<Policy, 'may' | 'anonymousReadsAll' | 'forModule'>;

  constructor(options: {
    authenticator: Authenticator | undefined;
    policy: Pick<Policy, 'may' | 'anonymousReadsAll' | 'forModule'>;
  }) {
    this.authenticator = options.authenticator;
    this.policy = options.policy;
  }

  /** Whether requests are authenticated at all (a users file is configured). */
  get authenticating(): boolean {
    return this.authenticator !== undefined;
  }

  /** Whether any read needs checking: false when anyone may read everything. */
  get checksReads(): boolean {
    return !this.policy.anonymousReadsAll;
  }

  /** The request's principal (anonymous without a users file: the header is not read). */
  authenticate(header: string | undefined): AuthResult | Promise<AuthResult> {
    return this.authenticator?.authenticate(header) ?? ANONYMOUS_RESULT;
  }

  /** As `authenticate`, but undefined when only the slow path (bcrypt) can answer. */
  authenticateNow(header: string | undefined): AuthResult | undefined {
    const authenticator = this.authenticator;
    return authenticator === undefined ? ANONYMOUS_RESULT : authenticator.authenticateNow(header);
  }

  /** Whether `principal` may read `modulePath` (the fast question, without the denial). */
  mayRead(principal: Principal, modulePath: string): boolean {
    return this.policy.may(principal, 'read', modulePath);
  }

  /** Undefined when `principal` may read `modulePath`; else what to answer instead. */
  readDenial(principal: Principal, modulePath: string): Denial | undefined {
    if (this.policy.may(principal, 'read', modulePath)) return undefined;
    if (principal.user === undefined) return this.challenge(modulePath);
    if (this.policy.forModule(modulePath).private) {
      return { status: 404, body: `not found: ${modulePath}\n` };
    }
    return {
      status: 403,
      body: `forbidden: user ${principal.user} may not read ${modulePath} (access.rules)\n`,
    };
  }

  /**
   * For what lists module paths of several owners (modgate's own checksum database's tiles
   * and signed head): undefined when `principal` may see it — anyone while anyone may read
   * everything, else any authenticated user — else the challenge.
   */
  listingDenial(principal: Principal): Denial | undefined {
    if (this.policy.anonymousReadsAll || principal.user !== undefined) return undefined;
    return this.challenge('this checksum database');
  }

  /** The answer to credentials that failed (400 malformed, 401 wrong or unknown, 503 busy). */
  failed(result: Extract<AuthResult, { ok: false }>): Denial {
    return {
      status: result.status,
      body: `authentication failed: ${result.reason}\n`,
    };
  }

  private challenge(what: string): Denial {
    return {
      status: 401,
      body: `authentication required: ${what} may be read by authenticated users only; give the go command credentials for this server (a "machine <host> login <user> password <password or token>" line in ~/.netrc)\n`,
    };
  }
}

/** Writes a denial (no body for HEAD); 401s carry the Basic challenge. */
export function sendDenial(
  res: ServerResponse,
  req: IncomingMessage,
  denial: Denial,
  requestId: string,
): void {
  res.statusCode = denial.status;
  if (denial.status === 401) res.setHeader('www-authenticate', WWW_AUTHENTICATE);
  if (denial.status === 503) res.setHeader('retry-after', '1');
  res.setHeader('x-request-id', requestId);
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(denial.body));
  res.end(req.method === 'HEAD' ? undefined : denial.body);
}

/**
 * The index feed as `principal` may see it: a module is listed when they may read it, and a
 * `private` one only to an authenticated user (the route's own hook hides those from
 * everyone else, as it did before authentication existed).
 */
export function readableFeed(
  gate: AuthGate | undefined,
  principal: Principal,
  route: IndexFeedRoute,
): IndexFeedRoute {
  if (gate === undefined || (!gate.checksReads && principal.user === undefined)) return route;
  return {
    log: route.log,
    visible: (req, modulePath) =>
      gate.mayRead(principal, modulePath) &&
      (principal.user !== undefined || route.visible(req, modulePath)),
  };
}
