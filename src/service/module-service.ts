import { setMaxListeners } from 'node:events';
import { Singleflight } from '../async/index.js';
import { LocalCoordinator, type Coordinator } from '../coordination/index.js';
import { ModgateError } from '../errors/index.js';
import type { Policy } from '../policy/module-policy.js';
import type { ProxyRequest } from '../protocol/proxy-request.js';
import { formatVersionList } from '../protocol/version-list.js';
import { latestKey, listKey } from '../storage/module-keys.js';
import type { Storage } from '../storage/storage.js';
import type { FetchContext, Upstream } from '../upstream/upstream.js';
import { traceAnswerCacheLookup } from '../metrics/tracing/index.js';
import { IMMUTABLE_MAX_AGE, type Answer, type AnswerOptions } from './answer.js';
import { AnswerCache, type AnswerRef, type RequestRef } from './answer-cache.js';
import { listFallback } from './list-fallback.js';
import { ListRefresh } from './list-refresh.js';
import { StoredVersions } from './stored-versions.js';
import { Stash, type StashedZip, type StashOptions, type StashTarget } from './stash.js';
import { missAnswer } from './stashed-zip-answer.js';
import { StorageKeys } from './storage-key-of.js';
import { StoredZips } from './stored-zips.js';
import { storedHashesOf } from './stored-hashes.js';
import { checkVersionForPath } from './check-version-for-path.js';
import { BlockedVersions } from './blocked-versions.js';
import { HostedUpstream } from './hosted-upstream.js';
import { FetchAhead } from './fetch-ahead.js';
import { pinnedContext } from './pinned-context.js';
import { UpstreamAccess, type Fetch } from './upstream-access.js';

type InfoRequest = Extract<ProxyRequest, { kind: 'info' }>;
type FileRequest = Extract<ProxyRequest, { kind: 'mod' | 'zip' }>;
type ZipRequest = Extract<ProxyRequest, { kind: 'zip' }>;

export interface ModuleServiceOptions {
  storage: Storage;
  upstreams: {
    /** The upstream chain (`upstream`). */
    chain: Upstream;
    /** Where private module paths are fetched from (direct from version control), if anywhere. */
    private?: Upstream | undefined;
  };
  /** Which module paths are private (never sent to an upstream proxy). */
  policy: Policy;
  /** Where `.mod` and `.zip` files taken from an upstream are verified before being stored. */
  stash: StashOptions;
  cache: {
    /** How long list / @latest answers are fresh. */
    listTtlMs: number;
    /** How long a "not found" from the upstreams is remembered. */
    notFoundTtlMs: number;
    /** Bound of the in-memory answer cache (default ANSWER_CACHE_MAX_BYTES). */
    maxBytes?: number | undefined;
    /** The clock of list freshness and "not found" lifetimes (tests set it). */
    now?: (() => number) | undefined;
  };
  /** Called each time a request joins a fetch of the same file already in flight (metrics). */
  onCoalesced?: (() => void) | undefined;
  /** `cache.prefetch_zips`: fetch a new version's zip ahead of the client (FetchAhead). */
  prefetchZips?: boolean | undefined;
  /**
   * How misses, "not found" answers and list freshness are shared with other replicas
   * (default: in-process only). Behind this process's own coalescing: one call per miss.
   */
  coordinator?: Coordinator | undefined;
}

/**
 * The module service: the one entry point of every GOPROXY request (`answer`), and where the
 * proxy's caching rules live (DESIGN §4). A request goes policy → cache → storage | stash →
 * upstream, and comes back as an Answer:
 * - canonical .info/.mod/.zip are immutable: once stored they are served forever;
 * - list and @latest are fresh for `listTtlMs`, then refreshed from upstream, and served stale
 *   (saying so) when every upstream fails;
 * - "not found" answers are remembered for `notFoundTtlMs`; failures never are;
 * - concurrent misses for the same file coalesce into one upstream request;
 * - private module paths are never sent to an upstream proxy.
 */
export class ModuleService {
  /** The in-memory answer cache (read by metrics: its bytes and size). */
  readonly cache: AnswerCache;
  private readonly upstream: UpstreamAccess;
  private readonly lists: ListRefresh;
  private readonly coordinator: Coordinator;
  private readonly flights = new Singleflight<Answer>(() => this.options.onCoalesced?.());
  private readonly stash: Stash;
  private readonly zips: StoredZips;
  private readonly held: StoredVersions;
  private readonly lifetime = new AbortController();
  private readonly now: () => number;
  private readonly storage: Storage;
  private readonly keys = new StorageKeys();
  private readonly ahead: FetchAhead<FileRequest>;
  /** Block lists (`deny`) and the storage-only upstream of hosted modules (issue 14). */
  private readonly blocked: BlockedVersions;
  private readonly hosted: Upstream;

  constructor(private readonly options: ModuleServiceOptions) {
    this.storage = options.storage;
    // Every upstream call and store in flight listens to this one signal: no listener cap.
    setMaxListeners(0, this.lifetime.signal);
    this.now = options.cache.now ?? Date.now;
    this.cache = new AnswerCache({
      maxBytes: options.cache.maxBytes,
      listTtlMs: options.cache.listTtlMs,
      now: this.now,
    });
    this.coordinator = options.coordinator ?? new LocalCoordinator();
    this.stash = new Stash(options.storage, options.stash, this.coordinator);
    this.zips = new StoredZips(options.storage, this.cache);
    this.held = new StoredVersions(options.storage);
    this.hosted = new HostedUpstream(options.storage);
    this.blocked = new BlockedVersions(options.policy, (r) => this.answer(r));
    this.ahead = new FetchAhead<FileRequest>({
      info: (v) => this.canonicalInfo({ ...v, kind: 'info', canonical: true }),
      zip: (v) => this.prefetchZip({ ...v, kind: 'zip' }),
      // Nothing private (version control) or hosted (storage only) is fetched ahead.
      skip: (path) => {
        const policy = this.options.policy.forModule(path);
        return policy.private || policy.hosted;
      },
      zips: options.prefetchZips !== false,
    });
    this.upstream = new UpstreamAccess({
      upstreams: { ...options.upstreams, hosted: this.hosted },
      policy: options.policy,
      notFoundTtlMs: options.cache.notFoundTtlMs,
      now: this.now,
      coordinator: this.coordinator,
      signal: this.lifetime.signal,
    });
    this.lists = new ListRefresh({
      storage: options.storage,
      cache: this.cache,
      coordinator: this.coordinator,
      listTtlMs: options.cache.listTtlMs,
      now: this.now,
      allowed: (req, body) => this.blocked.allowed(req, body),
      fetch: (req, key) =>
        this.fromUpstream(req, key, async (upstream, ctx) => {
          if (req.kind === 'list')
            return formatVersionList(await upstream.list(req.modulePath, ctx));
          const info = await upstream.latest(req.modulePath, ctx);
          checkVersionForPath(req.modulePath, info.version);
          return info.raw;
        }),
      // Held versions, else stale (issue 13); the held ones not filtered yet.
      fallback: async (req, err, stored) =>
        this.blocked.allowedAnswer(req, await listFallback(req, err, stored, this.held)),
    });
  }

  /**
   * The answer to one GOPROXY request. A cached hit comes back synchronously (no promise: the
   * hot path costs a map lookup); anything else as a promise. An Answer with a stream must be
   * consumed or destroyed by the caller. Failures are ModgateErrors whose kind decides the
   * status (404/410 not here, 403 refused, 502/504 upstream trouble). `ref`: refOf(req), kept
   * by a caller that asks for `req` over and over (a cached hit then costs no lookup by key).
   */
  answer(
    req: Readonly<ProxyRequest>,
    opts?: AnswerOptions,
    ref?: AnswerRef,
  ): Answer | Promise<Answer> {
    const key = ref?.key ?? this.keys.of(req);
    const hot = traceAnswerCacheLookup(
      ref === undefined ? this.cache.fresh(key) : this.cache.freshVia(ref),
    );
    // Only what is fresh is cached (non-canonical .info queries never are); zips with
    // conditions or HEAD take the zip path with their cached answer.
    if (hot !== undefined && opts === undefined) {
      // The cached answer's kind is the request's (hitAnswer): read from the answer, which a
      // hit reads anyway, not from the request object (one memory load fewer per hit).
      if (hot.kind === 'info') this.ahead.infoAsked(key);
      else if (this.cache.refreshAhead) this.lists.ahead(req, key, this.flights);
      return hot;
    }
    // Cached answers passed this check when they were made (blocked-versions.ts); a change of
    // the blocks drops them (blocksChanged).
    if (req.kind !== 'list' && req.kind !== 'latest' && (req.kind !== 'info' || req.canonical))
      this.blocked.check(req.modulePath, req.version);
    this.stash.noteActivity();
    switch (req.kind) {
      case 'list':
      case 'latest':
        return hot ?? this.flights.do(key, () => this.lists.refresh(req, key));
      case 'info':
        if (!req.canonical) return this.query(req, key);
        this.ahead.infoAsked(key);
        return this.canonicalInfo(req, key);
      case 'mod':
        return this.immutable(req, key, async () => {
          const mod = await this.stash.mod(this.target(req, key), () =>
            this.fromUpstream(req, key, async (upstream, ctx) =>
              upstream.mod(req.modulePath, req.version, await this.pinned(req, ctx)),
            ),
          );
          this.ahead.modFetched(req);
          return mod;
        });
      case 'zip':
        return this.zip(req, key, opts, hot);
    }
  }

  /** A reference to `req`'s cached answer, for `answer` (AnswerRef), holding `req` too. */
  refOf(req: Readonly<ProxyRequest>): RequestRef {
    return { ...this.cache.ref(this.keys.of(req)), req };
  }

  /** A canonical `.info`: memory, storage, else the upstream (stored behind the answer). */
  private canonicalInfo(req: InfoRequest, key = this.keys.of(req)): Answer | Promise<Answer> {
    return this.immutable(req, key, async () => {
      const info = await this.fromUpstream(req, key, (upstream, ctx) =>
        upstream.info(req.modulePath, req.version, ctx),
      );
      this.stash.storeBehind(key, info.raw);
      return info.raw;
    });
  }

  /** A zip: from memory or storage (validators, ranges), else downloaded through the stash. */
  private async zip(
    req: ZipRequest,
    key: string,
    opts: AnswerOptions | undefined,
    hot: Answer | undefined,
  ): Promise<Answer> {
    // A zip answered and not stored yet is stored now, and answered with its validators.
    if (hot === undefined) await this.stash.committed(key);
    const stored = await this.zips.answer(key, opts, hot);
    if (stored !== null) return stored;
    const stashed = await this.stashZip(req, key);
    if (stashed.stored === true) {
      // Another replica stored it while this one waited.
      const shared = await this.zips.answer(key, opts, undefined);
      if (shared !== null) return shared;
      throw new ModgateError('internal', `${key}: stored by another replica, then not found`);
    }
    return missAnswer(stashed, opts?.head === true);
  }

  /** Downloads a zip that is not stored through the stash (or joins its download). */
  private async stashZip(req: ZipRequest, key: string): Promise<StashedZip> {
    const stashed = await this.stash.zip(this.target(req, key), () =>
      this.fromUpstream(req, key, async (upstream, ctx) =>
        upstream.zip(req.modulePath, req.version, await this.pinned(req, ctx)),
      ),
    );
    if (stashed.body !== undefined) this.zips.remember(key, stashed.body, this.stash.stored(key));
    return stashed;
  }

  /** Fetches a zip ahead of its request (see FetchAhead), unless it is known or blocked. */
  private async prefetchZip(req: ZipRequest): Promise<void> {
    const key = this.keys.of(req);
    this.blocked.check(req.modulePath, req.version);
    if (this.cache.fresh(key) !== undefined || this.stash.pendingBytes(key) !== undefined) return;
    if ((await this.storage.stat(key)) !== null) return;
    const { download, reader } = await this.stashZip(req, key);
    reader?.destroy();
    // Stored now (not when the service is quiet): its request then finds it with validators.
    await (download?.finished ?? this.stash.committed(key));
  }

  /** `@v/<query>.info` for a query (branch, hash, prefix): resolved upstream every time. */
  private query(req: InfoRequest, key: string): Promise<Answer> {
    return this.flights.do(key, async () => {
      const info = await this.fromUpstream(req, key, (upstream, ctx) =>
        upstream.info(req.modulePath, req.version, ctx),
      );
      checkVersionForPath(req.modulePath, info.version);
      this.blocked.check(req.modulePath, info.version);
      return {
        status: 200,
        kind: 'info',
        body: info.raw,
        size: info.raw.length,
        cache: 'miss',
        maxAge: Math.floor(this.options.cache.listTtlMs / 1000),
        immutable: false,
      };
    });
  }

  /**
   * A canonical `.info` / `.mod`: memory, storage (or still being stored), else `fetch` (which
   * stores it behind the answer).
   */
  private immutable(
    req: InfoRequest | FileRequest,
    key: string,
    fetch: () => Promise<Buffer>,
  ): Answer | Promise<Answer> {
    const kind = req.kind === 'info' ? 'info' : 'mod';
    return (
      this.cache.fresh(key) ??
      this.flights.do(key, async () => {
        const stored = this.stash.pendingBytes(key) ?? (await this.storage.getBytes(key));
        if (stored) return this.cache.putImmutable(key, kind, stored);
        // A miss: across replicas, one fetches and the others read what it stored.
        return this.coordinator.once(key, {
          lookup: async () => {
            const shared = await this.storage.getBytes(key);
            return shared ? this.cache.putImmutable(key, kind, shared) : undefined;
          },
          fetch: async () => {
            const body = await fetch();
            this.cache.putImmutable(key, kind, body);
            const answer: Answer = {
              status: 200,
              kind,
              body,
              size: body.length,
              cache: 'miss',
              maxAge: IMMUTABLE_MAX_AGE,
              immutable: true,
            };
            return { value: answer, stored: () => this.stash.committed(key) };
          },
        });
      })
    );
  }

  /**
   * Makes sure a canonical version's `.mod` and `.zip` are stored — fetching them the usual way
   * (upstream or direct, zip rules, checksum gates) when they are not — and returns the `h1:`
   * hashes of the stored bytes. For modgate's own checksum database, which logs exactly what it
   * serves. The caller has checked that `version` is canonical for `modulePath`.
   */
  storedHashes(modulePath: string, version: string): Promise<{ modHash: string; zipHash: string }> {
    return storedHashesOf(this, this.storage, this.stash, modulePath, version);
  }

  /** A version of `req`'s module was published: its list and @latest are made again. */
  async published(req: { escapedPath: string }): Promise<void> {
    for (const key of this.forgetList(req.escapedPath)) await this.storage.delete(key);
  }

  /**
   * The admin's refresh (issue 15): `modulePath`'s list and @latest forgotten (here and their
   * freshness shared in Redis), the list fetched again now; answers the new list (blocks
   * applied). Other replicas' in-memory copies stay until their `cache.list_ttl` ends.
   */
  refreshList(req: { modulePath: string; escapedPath: string }): Promise<Answer> {
    const [key = ''] = this.forgetList(req.escapedPath);
    const list = { kind: 'list', ...req } as const;
    return this.flights.do(`refresh ${key}`, () => this.lists.refresh(list, key, true));
  }

  /** The blocks changed (service/runtime-blocks.ts): no answer made before is served again. */
  blocksChanged(): void {
    this.cache.clear();
  }

  private forgetList(escapedPath: string): string[] {
    const keys = [listKey(escapedPath), latestKey(escapedPath)];
    for (const key of keys) {
      this.cache.forget(key);
      this.upstream.forget(key);
    }
    return keys;
  }

  /** The storage's description, for /readyz and logs. */
  get storageDescription(): string {
    return this.storage.description;
  }

  /** Readiness: resolves when storage can be read and written (see Storage.checkReady). */
  checkReady(signal?: AbortSignal): Promise<void> {
    return this.storage.checkReady(signal);
  }

  /** Resolves once every answered file is stored or failed to be (call it before `close`). */
  async settle(): Promise<void> {
    await this.ahead.settle();
    return this.stash.settle();
  }

  /** Aborts upstream work still running (after the server stopped taking requests). */
  close(): void {
    this.ahead.stop();
    this.lifetime.abort(new ModgateError('unavailable', 'modgate is shutting down'));
    this.stash.close();
  }

  private target({ modulePath, version }: FileRequest, key: string): StashTarget {
    return { modulePath, version, key, private: this.options.policy.forModule(modulePath).private };
  }

  private fromUpstream<T>(req: ProxyRequest, key: string, fetch: Fetch<T>): Promise<T> {
    return this.upstream.fetch(req.modulePath, key, fetch);
  }

  private pinned(req: FileRequest, ctx: { signal: AbortSignal }): Promise<FetchContext> {
    return pinnedContext(req, ctx, this.cache, this.stash, this.storage);
  }
}
