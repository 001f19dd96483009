import { ModgateError, isNotFound } from '../errors/index.js';
import { check } from '../module/index.js';
import type { ProxyRequest } from '../protocol/proxy-request.js';
import type { ByteRange, Storage, StoredStat } from '../storage/storage.js';
import { infoKey, latestKey, listKey, modKey, zipKey } from '../storage/module-keys.js';
import type { FetchContext, Upstream } from '../upstream/upstream.js';
import { ByteLru } from './byte-lru.js';
import type { ChecksumGate } from './checksum-gate.js';
import { NotFoundMemory } from './not-found-memory.js';
import { Singleflight } from '../async/index.js';
import { ZipDownload } from './zip-download.js';
import { hashGoMod, hashZipFile } from '../zip/index.js';
import type { Readable } from 'node:stream';
import { createReadStream, createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { escapePath, escapeVersion } from '../module/index.js';

type ListRequest = Extract<ProxyRequest, { kind: 'list' | 'latest' }>;
type InfoRequest = Extract<ProxyRequest, { kind: 'info' }>;
type FileRequest = Extract<ProxyRequest, { kind: 'mod' | 'zip' }>;

/** Zips up to this size are kept in the hot cache once stored. */
const SMALL_ZIP_BYTES = 256 * 1024;

/** A stored zip: small ones as bytes, others as an open stream of the whole file. */
export type OpenedZip =
  | { stat: StoredStat; data: Buffer; stream?: undefined }
  | { stat: StoredStat; data?: undefined; stream: Readable };

/** Where an answer came from, reported to clients in the X-Modgate-Cache header. */
export type CacheStatus = 'hit' | 'miss' | 'stale';

export interface MetadataAnswer {
  body: Buffer;
  cache: CacheStatus;
  /** Set when `cache` is `stale`: why the refresh failed. */
  staleReason?: string;
  /** For list/@latest: when the answer was fetched from upstream. */
  fetchedAt?: number;
}

export interface ModuleServiceOptions {
  storage: Storage;
  upstream: Upstream;
  /** True for module paths matching the private patterns: never sent to upstream proxies. */
  isPrivate: (modulePath: string) => boolean;
  /** Where private module paths are fetched from (direct from version control), if anywhere. */
  privateUpstream?: Upstream;
  /** How long list / @latest answers are fresh. */
  listTtlMs: number;
  /** How long a "not found" from the upstreams is remembered. */
  notFoundTtlMs: number;
  /** A local directory for zips being downloaded. */
  spoolDir: string;
  /**
   * Verifies a downloaded zip against the zip rules before it is stored and returns its `h1:`
   * hash; throws to refuse it.
   */
  verifyZip: (spoolPath: string, modulePath: string, version: string) => Promise<string>;
  /** Run in order on every `.mod` and `.zip` before it is stored (see ChecksumGate). */
  checksumGates?: readonly ChecksumGate[];
  /** Bytes of hot metadata kept in memory. */
  hotCacheBytes: number;
  now?: () => number;
}

/**
 * The module service: storage first, then policy, then the upstream, then verification, then
 * storage again. It is where the proxy's caching rules live (DESIGN §4):
 * - canonical .info/.mod/.zip are immutable: once stored they are served forever;
 * - list and @latest are fresh for `listTtlMs`, then refreshed from upstream, and served stale
 *   (saying so) when every upstream fails;
 * - "not found" answers are remembered for `notFoundTtlMs`; failures never are;
 * - concurrent misses for the same file coalesce into one upstream request;
 * - private module paths are never sent to an upstream proxy.
 */
export class ModuleService {
  private readonly hot: ByteLru;
  private readonly notFound: NotFoundMemory;
  private readonly flights = new Singleflight<MetadataAnswer>();
  private readonly downloads = new Map<string, ZipDownload>();
  private readonly zipStarts = new Singleflight<ZipDownload>();
  private readonly lifetime = new AbortController();
  private readonly now: () => number;

  constructor(private readonly options: ModuleServiceOptions) {
    this.hot = new ByteLru(options.hotCacheBytes);
    this.notFound = new NotFoundMemory({ now: options.now });
    this.now = options.now ?? Date.now;
  }

  /** `@v/list` or `@latest`: fresh copy, else refresh, else stale copy. */
  async listOrLatest(req: ListRequest): Promise<MetadataAnswer> {
    const key = req.kind === 'list' ? listKey(req.escapedPath) : latestKey(req.escapedPath);
    const ttl = this.options.listTtlMs;
    const hot = this.hot.get(key);
    if (hot && this.now() - hot.fetchedAt < ttl) {
      return { body: hot.data, cache: 'hit', fetchedAt: hot.fetchedAt };
    }
    return this.flights.do(key, async () => {
      let stored = hot;
      if (!stored) {
        const [data, stat] = await Promise.all([
          this.options.storage.getBytes(key),
          this.options.storage.stat(key),
        ]);
        if (data && stat) {
          stored = { data, fetchedAt: stat.modified.getTime() };
          if (this.now() - stored.fetchedAt < ttl) {
            this.hot.set(key, stored);
            return { body: data, cache: 'hit', fetchedAt: stored.fetchedAt };
          }
        }
      }
      try {
        const body = await this.fromUpstream(req, key, async (upstream, ctx) => {
          if (req.kind === 'list') {
            const lines = await upstream.list(req.modulePath, ctx);
            return Buffer.from(lines.map((l) => l + '\n').join(''));
          }
          const info = await upstream.latest(req.modulePath, ctx);
          this.checkVersionForPath(req.modulePath, info.version);
          return info.raw;
        });
        const fetchedAt = this.now();
        await this.options.storage.putBytes(key, body);
        this.hot.set(key, { data: body, fetchedAt });
        return { body, cache: 'miss', fetchedAt };
      } catch (err) {
        // A stored copy is served (saying so) whenever the refresh fails — an outage, or an
        // upstream that no longer answers at all (`off`, an air-gapped site): modules this
        // proxy has served must stay resolvable. Only a policy refusal is passed on.
        if (stored && !(err instanceof ModgateError && err.kind === 'forbidden')) {
          const reason = err instanceof Error ? err.message : String(err);
          return {
            body: stored.data,
            cache: 'stale',
            staleReason: reason,
            fetchedAt: stored.fetchedAt,
          };
        }
        throw err;
      }
    });
  }

  /** `@v/<query>.info`: immutable when canonical; otherwise resolved upstream every time. */
  async info(req: InfoRequest): Promise<MetadataAnswer> {
    if (!req.canonical) {
      const key = `query:${req.escapedPath}/@v/${req.escapedVersion}.info`;
      return this.flights.do(key, async () => {
        const info = await this.fromUpstream(req, key, (upstream, ctx) =>
          upstream.info(req.modulePath, req.version, ctx),
        );
        this.checkVersionForPath(req.modulePath, info.version);
        return { body: info.raw, cache: 'miss' };
      });
    }
    const key = infoKey(req.escapedPath, req.escapedVersion);
    return this.immutable(req, key, async (upstream, ctx) => {
      const info = await upstream.info(req.modulePath, req.version, ctx);
      return info.raw;
    });
  }

  /** `@v/<version>.mod` for a canonical version. */
  mod(req: FileRequest): Promise<MetadataAnswer> {
    const key = modKey(req.escapedPath, req.escapedVersion);
    return this.immutable(req, key, async (upstream, ctx) => {
      const body = await upstream.mod(req.modulePath, req.version, await this.pinned(req, ctx));
      await this.runGates(req, 'mod', hashGoMod(body));
      return body;
    });
  }

  private async runGates(req: FileRequest, file: 'mod' | 'zip', hash: string): Promise<void> {
    for (const gate of this.options.checksumGates ?? []) {
      await gate.check(
        {
          modulePath: req.modulePath,
          version: req.version,
          file,
          hash,
          isPrivate: this.options.isPrivate(req.modulePath),
        },
        { signal: this.lifetime.signal },
      );
    }
  }

  /**
   * The stored zip's validators, with its bytes when it is small (kept in the hot cache: zips
   * are immutable, and most module zips are small, so hits then cost no file-system calls);
   * null when it is not stored yet.
   */
  async storedZip(req: FileRequest): Promise<{ stat: StoredStat; data?: Buffer } | null> {
    const key = zipKeyOf(req);
    const hot = this.hot.get(key);
    if (hot?.stat) return { stat: hot.stat, data: hot.data };
    const stat = await this.options.storage.stat(key);
    if (!stat) return null;
    if (stat.size > SMALL_ZIP_BYTES) return { stat };
    const data = await this.options.storage.getBytes(key);
    if (!data || data.length !== stat.size) return { stat };
    this.hot.set(key, { data, fetchedAt: 0, stat });
    return { stat, data };
  }

  /**
   * The stored zip, opened: its validators, and either its bytes (small zips, kept in the hot
   * cache: zips are immutable, and most module zips are small, so hits then cost no file-system
   * calls) or a stream of the whole file, which the caller must consume or destroy. Null when
   * it is not stored yet. One open (no separate stat): the stat describes the very file read.
   */
  async openStoredZip(req: FileRequest): Promise<OpenedZip | null> {
    const key = zipKeyOf(req);
    const hot = this.hot.get(key);
    if (hot?.stat) return { stat: hot.stat, data: hot.data };
    const opened = await this.options.storage.openRead(key);
    if (!opened) return null;
    const { stat, stream } = opened;
    if (stat.size > SMALL_ZIP_BYTES) return { stat, stream };
    const data = await readWhole(stream, key);
    if (data.length !== stat.size) {
      throw new ModgateError(
        'internal',
        `stored zip ${key}: read ${data.length} of ${stat.size} bytes`,
      );
    }
    this.hot.set(key, { data, fetchedAt: 0, stat });
    return { stat, data };
  }

  async readStoredZip(
    req: FileRequest,
    range?: ByteRange,
  ): Promise<{ stream: Readable; stat: StoredStat } | null> {
    return this.options.storage.openRead(zipKeyOf(req), range);
  }

  /**
   * Starts (or joins) the download of a zip that is not stored yet; every caller for the same
   * zip shares one upstream request. The reader is created before this resolves so that the
   * spool stays open for it however fast the download completes.
   */
  async openZipDownload(req: FileRequest): Promise<{ download: ZipDownload; reader: Readable }> {
    const key = zipKeyOf(req);
    const running = this.downloads.get(key);
    const download =
      running && (running.status === 'downloading' || running.status === 'verifying')
        ? running
        : await this.zipStarts.do(key, async () => {
            const source = await this.fromUpstream(req, key, async (upstream, ctx) =>
              upstream.zip(req.modulePath, req.version, await this.pinned(req, ctx)),
            );
            const started = new ZipDownload(source, {
              spoolDir: this.options.spoolDir,
              verify: async (spool) => {
                const hash = await this.options.verifyZip(spool, req.modulePath, req.version);
                await this.runGates(req, 'zip', hash);
              },
              commit: (spool, size) =>
                this.options.storage.putStream(key, createReadStream(spool), size),
            });
            this.downloads.set(key, started);
            started.finished
              .catch(() => undefined)
              .finally(() => {
                if (this.downloads.get(key) === started) this.downloads.delete(key);
              });
            return started;
          });
    return { download, reader: download.createReader() };
  }

  /**
   * Makes sure a canonical version's `.mod` and `.zip` are stored — fetching them the usual way
   * (upstream or direct, zip rules, checksum gates) when they are not — and returns the `h1:`
   * hashes of the stored bytes. For modgate's own checksum database, which logs exactly what it
   * serves. The caller has checked that `version` is canonical for `modulePath`.
   */
  async storedHashes(
    modulePath: string,
    version: string,
  ): Promise<{ modHash: string; zipHash: string }> {
    const req: FileRequest = {
      kind: 'mod',
      modulePath,
      escapedPath: escapePath(modulePath),
      version,
      escapedVersion: escapeVersion(version),
    };
    const mod = await this.mod(req);
    const zipReq: FileRequest = { ...req, kind: 'zip' };
    if ((await this.storedZip(zipReq)) === null) {
      const { download, reader } = await this.openZipDownload(zipReq);
      reader.destroy();
      await download.finished;
    }
    const stored = await this.readStoredZip(zipReq);
    if (stored === null) {
      throw new ModgateError('internal', `${modulePath}@${version}: zip vanished from storage`);
    }
    const spool = join(this.options.spoolDir, `hash-${randomBytes(6).toString('hex')}.zip`);
    try {
      await pipeline(stored.stream, createWriteStream(spool, { mode: 0o600 }));
      return { modHash: hashGoMod(mod.body), zipHash: await hashZipFile(spool) };
    } finally {
      await unlink(spool).catch(() => undefined);
    }
  }

  /** Aborts upstream work still running (after the server stopped taking requests). */
  close(): void {
    this.lifetime.abort(new ModgateError('unavailable', 'modgate is shutting down'));
  }

  private async immutable(
    req: InfoRequest | FileRequest,
    key: string,
    fetch: (upstream: Upstream, ctx: { signal: AbortSignal }) => Promise<Buffer>,
  ): Promise<MetadataAnswer> {
    const hot = this.hot.get(key);
    if (hot) return { body: hot.data, cache: 'hit' };
    return this.flights.do(key, async () => {
      const stored = await this.options.storage.getBytes(key);
      if (stored) {
        this.hot.set(key, { data: stored, fetchedAt: 0 });
        return { body: stored, cache: 'hit' };
      }
      const body = await this.fromUpstream(req, key, fetch);
      await this.options.storage.putBytes(key, body);
      this.hot.set(key, { data: body, fetchedAt: this.now() });
      return { body, cache: 'miss' };
    });
  }

  /**
   * Policy and bookkeeping around every upstream call: private paths never leave, recent
   * "not found" answers are replayed, new ones remembered.
   */
  private async fromUpstream<T>(
    req: ProxyRequest,
    key: string,
    fetch: (upstream: Upstream, ctx: { signal: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    let upstream = this.options.upstream;
    if (this.options.isPrivate(req.modulePath)) {
      if (!this.options.privateUpstream) {
        throw new ModgateError(
          'not-found',
          `${req.modulePath} matches the private module patterns, so modgate never requests it from an upstream proxy, and direct fetching is not configured`,
        );
      }
      upstream = this.options.privateUpstream;
    }
    const remembered = this.notFound.recall(key);
    if (remembered) throw remembered;
    try {
      return await fetch(upstream, { signal: this.lifetime.signal });
    } catch (err) {
      if (isNotFound(err) && err instanceof ModgateError)
        this.notFound.remember(key, err, this.options.notFoundTtlMs);
      throw err;
    }
  }

  /**
   * The context for a `.mod` / `.zip` fetch: with the commit the stored `.info` recorded
   * (Origin.Hash), so a direct upstream serves only that commit's files — refusing when the
   * tag has moved since and its git cache no longer remembers the old commit.
   */
  private async pinned(req: FileRequest, ctx: { signal: AbortSignal }): Promise<FetchContext> {
    const key = infoKey(req.escapedPath, req.escapedVersion);
    const data = this.hot.get(key)?.data ?? (await this.options.storage.getBytes(key));
    if (!data) return ctx;
    let hash: unknown;
    try {
      hash = (JSON.parse(data.toString('utf8')) as { Origin?: { Hash?: unknown } }).Origin?.Hash;
    } catch {
      return ctx;
    }
    return typeof hash === 'string' && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(hash)
      ? { ...ctx, originHash: hash }
      : ctx;
  }

  private checkVersionForPath(modulePath: string, version: string): void {
    try {
      check(modulePath, version);
    } catch (err) {
      throw new ModgateError(
        'upstream',
        `upstream answered version ${version}, which is not valid for ${modulePath}`,
        { cause: err },
      );
    }
  }
}

/** All of a (small) stream's bytes; a read failure is an internal error naming the key. */
async function readWhole(stream: Readable, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (err) {
    throw new ModgateError('internal', `stored zip ${key}: read failed`, { cause: err });
  }
  return Buffer.concat(chunks);
}

function zipKeyOf(req: FileRequest): string {
  return zipKey(req.escapedPath, req.escapedVersion);
}
