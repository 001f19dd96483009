import { ModgateError, errorKind } from '../../errors/index.js';
import type { Policy } from '../../policy/index.js';
import type { SumdbClient } from '../client/index.js';
import type { Tile } from '../tlog/index.js';
import { parseSumdbPath, type SumdbRequest } from './sumdb-request.js';

/**
 * A checksum database modgate hosts itself (src/sumdb/server HostedSumdb): it answers from
 * its own log, so nothing is relayed and private module paths are welcome.
 */
export interface HostedSumdbBackend {
  readonly name: string;
  /** The lookup answer (record and signed head); `not-found`/`gone`/`invalid` as the log says. */
  lookup(modulePath: string, version: string): Promise<Buffer>;
  /** A stored tile of the signed tree; `not-found` otherwise. */
  readTile(tile: Tile): Promise<Buffer>;
  /** The signed tree head. */
  latest(): Promise<Buffer>;
}

/** What the proxy layer needs to serve `/sumdb/<name>/...`. */
export interface SumdbProxyDeps {
  /** One verifying client per database served, each knowing its name. */
  readonly databases: readonly SumdbClient[];
  /** Databases modgate hosts itself (names distinct from `databases`). */
  readonly hosted?: readonly HostedSumdbBackend[];
  /**
   * The compiled policy: lookups for a private module path (`forModule(path).private`) are
   * answered 403 without the database ever seeing the path.
   */
  readonly policy: Pick<Policy, 'forModule'>;
  /**
   * How long a fetched `/latest` is reused, and how long HTTP caches may keep `/latest` and
   * partial tiles (default 10 s).
   */
  readonly latestMaxAgeMs?: number;
}

/** A complete answer; the HTTP layer writes it (HEAD: without the body). */
export interface SumdbResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const TEXT = 'text/plain; charset=UTF-8';
const BINARY = 'application/octet-stream';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Lookup answers never go wrong (any tree note in them that verifies will do). */
const LOOKUP_CACHE = 'public, max-age=86400';

/**
 * Serves a sumdb-proxying GOPROXY's `/sumdb/<name>/...` (go-modules-spec §6.9,
 * https://go.dev/design/25530-sumdb#proxying-a-checksum-database) for the configured
 * databases: `supported` (200, so the go command sends all its traffic for that database
 * here), `lookup/...`, `tile/...` and `latest`.
 *
 * Every answer has been verified by the database's SumdbClient before it is sent or stored —
 * lookups and full tiles are kept in storage for good, `/latest` is reused for
 * `latestMaxAgeMs` — so a misbehaving database is refused here (502) rather than relayed to
 * every client. Lookups of private module paths are refused (403) before anything is asked.
 *
 * Failures are thrown as ModgateErrors for the HTTP layer's one error mapping: unknown
 * database or endpoint `not-found` (404, so the go command moves on to the next GOPROXY entry
 * or goes direct), malformed lookup or tile `invalid` (400), private `forbidden` (403), no
 * such record or tile `not-found`, database misbehaving `checksum` (502), unreachable
 * `upstream`/`timeout` (502/504). `/latest` is served stale when the database cannot be
 * reached and a head is remembered.
 */
export async function handleSumdbRequest(
  path: string,
  deps: SumdbProxyDeps,
): Promise<SumdbResponse> {
  const hosted = deps.hosted ?? [];
  const req = parseSumdbPath(path, [
    ...deps.databases.map((db) => db.name),
    ...hosted.map((db) => db.name),
  ]);
  const shortLived = `public, max-age=${Math.floor((deps.latestMaxAgeMs ?? 10_000) / 1000)}`;
  const own = hosted.find((db) => db.name === req.name);
  if (own !== undefined) return handleHosted(req, own, shortLived);
  const client = deps.databases.find((db) => db.name === req.name)!;
  switch (req.kind) {
    case 'supported':
      return respond(200, TEXT, 'no-cache', Buffer.alloc(0));

    case 'lookup': {
      if (deps.policy.forModule(req.modulePath).private) {
        throw new ModgateError(
          'forbidden',
          `${req.modulePath} is a private module: its path is never sent to checksum database ${req.name}; set GONOSUMDB (or GOPRIVATE) to cover it`,
        );
      }
      const { data, cached } = await client.lookupRecord(req.modulePath, req.version);
      return respond(200, TEXT, LOOKUP_CACHE, data, cached);
    }

    case 'tile': {
      const { data, cached } = await client.readTile(req.tile);
      const full = req.tile.w === 2 ** req.tile.h;
      const type = req.tile.l < 0 ? TEXT : BINARY;
      return respond(200, type, full ? IMMUTABLE : shortLived, data, cached);
    }

    case 'latest': {
      try {
        const note = await client.latest(deps.latestMaxAgeMs);
        return respond(200, TEXT, shortLived, note);
      } catch (err) {
        const kind = errorKind(err);
        if (kind !== 'upstream' && kind !== 'timeout') throw err;
        const remembered = await client.remembered().catch(() => Buffer.alloc(0));
        if (remembered.length === 0) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        const stale = respond(200, TEXT, 'no-cache', remembered, true);
        return {
          ...stale,
          headers: {
            ...stale.headers,
            warning: '111 modgate "Revalidation Failed"',
            'x-modgate-stale-reason': reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 200),
          },
        };
      }
    }
  }
}

/**
 * modgate's own database: lookups of any module path (private ones are what it is for), tiles
 * and the head straight from its log. A lookup answer stays valid for good (its note is a
 * head that holds the record); full tiles never change; the head and partial tiles do.
 */
async function handleHosted(
  req: SumdbRequest,
  db: HostedSumdbBackend,
  shortLived: string,
): Promise<SumdbResponse> {
  switch (req.kind) {
    case 'supported':
      return respond(200, TEXT, 'no-cache', Buffer.alloc(0));
    case 'lookup':
      return respond(200, TEXT, LOOKUP_CACHE, await db.lookup(req.modulePath, req.version));
    case 'tile': {
      const data = await db.readTile(req.tile);
      const full = req.tile.w === 2 ** req.tile.h;
      const type = req.tile.l < 0 ? TEXT : BINARY;
      return respond(200, type, full ? IMMUTABLE : shortLived, data);
    }
    case 'latest':
      return respond(200, TEXT, 'no-cache', await db.latest());
  }
}

function respond(
  status: number,
  contentType: string,
  cacheControl: string,
  body: Buffer,
  cached?: boolean,
): SumdbResponse {
  const headers: Record<string, string> = {
    'content-type': contentType,
    'cache-control': cacheControl,
    'content-length': String(body.length),
  };
  if (cached !== undefined) headers['x-modgate-cache'] = cached ? 'hit' : 'miss';
  return { status, headers, body };
}
