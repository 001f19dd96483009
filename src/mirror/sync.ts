/**
 * `modgate mirror sync --from URL`: a downstream modgate pulls, by the upstream modgate's
 * index feed (`GET /index`, protocol/index-feed.ts), the module versions it lacks — the
 * "static mirror with periodic sync" setup (docs/mirror.md, "Sync between modgates").
 *
 * Each batch of missing versions goes through exactly what `mirror export` and `mirror import`
 * do (no second verifier): exportBundle reads the files and the checksum-database records,
 * tiles and signed head from the upstream (GOPROXY and `/sumdb/<name>/` requests) and
 * verifies them; importBundle verifies the bundle whole again against the downstream's
 * configured database key, merges the heads, and stores it. The files stored are the bytes
 * the upstream served, so both ends hold byte-identical files.
 *
 * Resumable: after each batch is stored, the cursor (SyncCursor, in the downstream's storage)
 * moves to the feed timestamp up to which everything is stored. A sync interrupted anywhere
 * (killed, aborted, a failed batch) starts again from its cursor, re-reading `overlapMs` before
 * it (another writer's late append may carry a slightly older timestamp) and skipping what is
 * stored; imports are idempotent. Private modules (no checksum-database record) are skipped
 * and reported: nothing could verify them.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapePath, escapeVersion } from '../module/index.js';
import {
  INDEX_FEED_MAX_LIMIT,
  formatGoTimestamp,
  type IndexFeedEntry,
} from '../protocol/index-feed.js';
import { zipKey } from '../storage/module-keys.js';
import type { Storage } from '../storage/index.js';
import type { SumdbDatabase } from '../sumdb/gosumdb-config.js';
import { exportBundle } from './export-bundle.js';
import { importBundle } from './import-bundle.js';
import { IndexFeedClient } from './index-feed-client.js';
import { ServerExportSource } from './server-export-source.js';
import { SyncCursor } from './sync-cursor.js';

export interface SyncOptions {
  /** The upstream modgate's base URL (credentials allowed; never reported). */
  readonly from: string;
  /** The downstream's storage (the one `serve` uses, recording store times). */
  readonly storage: Storage;
  /** The configured checksum databases; the first one verifies what is synced. */
  readonly databases: readonly SumdbDatabase[];
  /** Module paths without checksum-database records (private, `sumdb.no_verify`). */
  readonly isPrivate: (path: string) => boolean;
  /** Module versions per bundle (and per cursor step; default 100). */
  readonly batch?: number;
  /** Feed page size (default and at most 2000). */
  readonly pageLimit?: number;
  /** How far before the cursor a resumed sync re-reads the feed (default 60 s). */
  readonly overlapMs?: number;
  /** Stops the sync between steps; the cursor stays where the last stored batch put it. */
  readonly signal?: AbortSignal;
  /** Told after each batch is exported (before it is imported) and stored. */
  readonly onBatch?: (event: { phase: 'exported' | 'stored'; versions: number }) => void;
  readonly tmpDir?: string;
}

export interface SyncReport {
  /** The upstream, without credentials. */
  readonly from: string;
  readonly database: string;
  /** The cursor the sync started from and the one it ended at (RFC 3339; undefined: none). */
  readonly resumedFrom: string | undefined;
  readonly cursor: string | undefined;
  /** Versions the feed listed (pages overlap: counted once). */
  readonly listed: number;
  /** Versions stored by this sync, and those already stored. */
  readonly stored: number;
  readonly present: number;
  /** Private versions left out (`path@version`). */
  readonly skippedPrivate: readonly string[];
}

export async function syncFrom(opts: SyncOptions): Promise<SyncReport> {
  const db = opts.databases[0];
  if (db === undefined) {
    throw new Error(
      'no checksum database configured (sumdb.databases): synced modules are verified against one',
    );
  }
  const feed = new IndexFeedClient(opts.from);
  const source = new ServerExportSource(opts.from, db.name);
  const cursor = new SyncCursor(opts.storage, feed.description);
  const batchSize = opts.batch ?? 100;
  const limit = Math.min(opts.pageLimit ?? INDEX_FEED_MAX_LIMIT, INDEX_FEED_MAX_LIMIT);
  const overlap = BigInt(opts.overlapMs ?? 60_000) * 1_000_000n;
  const resumed = await cursor.read();
  let position = resumed;
  let since = resumed === undefined ? 0n : resumed > overlap ? resumed - overlap : 0n;
  const seen = new Set<string>();
  const skippedPrivate: string[] = [];
  let stored = 0;
  let present = 0;
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'modgate-sync-'));
  let batchNo = 0;

  /** Exports and imports one batch, then moves the cursor to `upTo`. */
  const store = async (batch: IndexFeedEntry[], upTo: bigint): Promise<void> => {
    opts.signal?.throwIfAborted();
    if (batch.length > 0) {
      const out = join(dir, `batch-${batchNo++}.bundle`);
      await exportBundle(
        batch.map((e) => ({ path: e.path, version: e.version, zip: true })),
        { source, database: db, out, isPrivate: opts.isPrivate },
      );
      opts.onBatch?.({ phase: 'exported', versions: batch.length });
      opts.signal?.throwIfAborted();
      await importBundle(createReadStream(out), { storage: opts.storage, databases: [db] });
      await rm(out, { force: true });
      stored += batch.length;
      opts.onBatch?.({ phase: 'stored', versions: batch.length });
    }
    if (position === undefined || upTo > position) {
      position = upTo;
      await cursor.write(upTo);
    }
  };

  try {
    for (;;) {
      opts.signal?.throwIfAborted();
      const page = await feed.page(since, limit);
      let batch: IndexFeedEntry[] = [];
      for (const e of page) {
        const mv = `${e.path}@${e.version}`;
        if (seen.has(mv)) continue;
        seen.add(mv);
        if (opts.isPrivate(e.path)) skippedPrivate.push(mv);
        else if (await isStored(opts.storage, e)) present++;
        else batch.push(e);
        if (batch.length >= batchSize) {
          await store(batch, e.timestampNs);
          batch = [];
        }
      }
      const last = page.at(-1);
      if (last !== undefined) await store(batch, last.timestampNs);
      if (page.length < limit || last === undefined) break;
      // `since` is inclusive: the next page starts at the last timestamp read (seen skips it).
      since = last.timestampNs > since ? last.timestampNs : since + 1n;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    from: feed.description,
    database: db.name,
    resumedFrom: resumed === undefined ? undefined : formatGoTimestamp(resumed),
    cursor: position === undefined ? undefined : formatGoTimestamp(position),
    listed: seen.size,
    stored,
    present,
    skippedPrivate,
  };
}

/** Whether the version's zip is stored downstream (then its .info and .mod are too). */
async function isStored(storage: Storage, e: IndexFeedEntry): Promise<boolean> {
  let key: string;
  try {
    key = zipKey(escapePath(e.path), escapeVersion(e.version));
  } catch {
    throw new Error(`the index feed lists an invalid module version ${e.path}@${e.version}`);
  }
  return (await storage.stat(key)) !== null;
}
