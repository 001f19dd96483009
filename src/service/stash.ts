import { setMaxListeners } from 'node:events';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Singleflight } from '../async/index.js';
import type { Coordinator } from '../coordination/index.js';
import { ModgateError } from '../errors/index.js';
import type { Storage } from '../storage/storage.js';
import type { ZipSource } from '../upstream/upstream.js';
import { hashGoMod } from '../zip/index.js';
import { checkZipBytes, checkZipFile, hashZipFile } from '../zip/files/index.js';
import { StoreQueue } from './store-queue.js';
import type { StashOptions, StashTarget, StashedZip } from './stash-types.js';

export type { StashOptions, StashTarget, StashedZip } from './stash-types.js';
import { ZipDownload } from './zip-download.js';
import {
  MEMORY_STREAM_BYTES,
  MEMORY_ZIP_BYTES,
  MEMORY_ZIPS_BUDGET,
  zipInMemory,
} from './zip-in-memory.js';

/** What a coordinated zip miss finds when another replica stored the zip meanwhile. */
const STORED = 'stored';

/**
 * Verify before store (DESIGN §4), in one place for every upstream — proxies and direct
 * fetching alike (cf. Athens' stasher): fetch → spool → zip rules → `h1:` hash → checksum
 * gates → atomic commit. A `.mod` is spooled in memory (it is small, and its size was bounded
 * by the upstream), and so is a zip the upstream announces at most `memoryZipBytes` (1 MiB;
 * most module zips; at most MEMORY_ZIPS_BUDGET of them at once): verified in memory, answered
 * as bytes, stored behind the answer like a `.mod`. A larger zip is a download that
 * concurrent clients read while it arrives (ZipDownload: all but the last MiB released before
 * verification, the rest as soon as it is verified): held in memory up to `memoryStreamBytes`
 * (16 MiB, within the same budget), else in a spool file; stored once verified.
 * Nothing reaches storage before every check passed, and storage's writes are atomic and
 * durable before they are visible (written, fdatasynced, renamed), so a refused, broken,
 * empty or partial file is never visible.
 *
 * Storing is not on the client's critical path: a verified file is answered first and stored
 * behind the answer (`storeBehind`, a zip's commit); writes behind answers wait until the
 * service is quiet (StoreQueue: at most 5 s, or until 32 MiB are pending). What that gives up
 * is only that an answer precedes the stored file: a crash in between leaves the file not
 * stored (as a crash before the answer would), never stored wrong. Until stored, the file's
 * bytes are kept here (`pendingBytes`), so the process reads its own writes; `settle` runs
 * and waits for every pending store (before a shutdown closes storage).
 *
 * Concurrent requests for a zip being downloaded share that download. The stash owns its spool
 * directory: no other part of the service touches the file system.
 */
export class Stash {
  private readonly downloads = new Map<string, ZipDownload>();
  private readonly starts = new Singleflight<ZipDownload | Buffer | typeof STORED>(() =>
    this.options.onJoin?.(),
  );
  private readonly lifetime = new AbortController();
  /** Files answered and not stored yet (stored when the service is quiet, see StoreQueue). */
  private readonly stores: StoreQueue;
  /** Bytes of zips being downloaded into memory (at most MEMORY_ZIPS_BUDGET). */
  private memoryHeld = 0;

  constructor(
    private readonly storage: Storage,
    private readonly options: StashOptions,
    /** Across replicas: one of them downloads a zip, the others wait for it to be stored. */
    private readonly coordinator?: Coordinator,
  ) {
    // Every upstream call and store in flight listens to this one signal: no listener cap.
    setMaxListeners(0, this.lifetime.signal);
    this.stores = new StoreQueue({
      put: (key, body) => storage.putBytes(key, body),
      onError: options.onStoreError,
      ...options.storeQueue,
    });
  }

  /**
   * Fetches a go.mod, checks its hash with the gates, and returns its bytes as soon as they
   * passed; they are stored behind the answer (`storeBehind`).
   */
  async mod(target: StashTarget, fetch: () => Promise<Buffer>): Promise<Buffer> {
    this.prepareGates(target, 'mod');
    const body = await fetch();
    await this.runGates(target, 'mod', hashGoMod(body));
    this.storeBehind(target.key, body);
    return body;
  }

  /**
   * Stores `body` (verified, or needing no verification: a canonical `.info`) under `key`
   * without the caller waiting: a failure goes to `onStoreError`. Its bytes are
   * `pendingBytes(key)` until the write ended.
   */
  storeBehind(key: string, body: Buffer): void {
    this.stores.add(key, body);
  }

  /** The service answers a miss now: stores behind answers wait until it is quiet. */
  noteActivity(): void {
    this.stores.noteActivity();
  }

  /**
   * Resolves once the store of the file under `key`, if any (a spooled zip's commit, a write
   * behind an answer, hurried), has ended (either way): a request that comes after its answer
   * then finds it in storage.
   */
  async committed(key: string): Promise<void> {
    const running = this.downloads.get(key);
    if (running?.status === 'committing') await running.finished.catch(() => undefined);
    await this.stores.hurry(key);
  }

  /** Like `committed` for a write behind an answer, without hurrying it. */
  stored(key: string): Promise<void> {
    return this.stores.stored(key);
  }

  /** The bytes of a file answered but not stored yet (see storeBehind), if any. */
  pendingBytes(key: string): Buffer | undefined {
    return this.stores.bytesOf(key);
  }

  /**
   * Resolves once every store in flight (writes behind answers, commits of verified zips, and
   * what the checksum gates left running: ChecksumGate.settle) has ended, successfully or not. Downloads not verified yet are not waited for: `close` stops
   * them.
   */
  async settle(): Promise<void> {
    for (;;) {
      const committing = [...this.downloads.values()].filter((d) => d.status === 'committing');
      await this.stores.settle();
      if (committing.length === 0) {
        const gates = this.options.checksumGates ?? [];
        await Promise.allSettled(gates.map((g) => g.settle?.() ?? Promise.resolve()));
        return;
      }
      await Promise.allSettled(committing.map((d) => d.finished));
    }
  }

  /**
   * Starts (or joins) the download of a zip that is not stored yet; every caller for the same
   * zip shares one upstream request (`open` is called once). A small zip comes back as its
   * verified bytes (stored behind them); a larger one as a spooled download with a reader
   * created before this resolves, so the spool stays open for it however fast the download
   * completes: the caller must consume or destroy that reader.
   */
  async zip(target: StashTarget, open: () => Promise<ZipSource>): Promise<StashedZip> {
    const key = target.key;
    const running = this.downloads.get(key);
    // A download being committed is joined too: its zip is verified and whole in the spool,
    // and storage does not have it yet.
    const joined =
      running &&
      (running.status === 'downloading' ||
        running.status === 'verifying' ||
        running.status === 'committing')
        ? running
        : undefined;
    if (joined !== undefined) this.options.onJoin?.();
    const started = joined ?? (await this.starts.do(key, () => this.startOnce(target, open)));
    if (started === STORED) return { stored: true };
    if (started instanceof ZipDownload)
      return { download: started, reader: started.createReader() };
    return { body: started };
  }

  /**
   * Starts a download — across replicas, only if no other replica is downloading the zip: else
   * waits until it is stored (STORED). The lock of a download started here is held until its
   * zip is stored (or failed).
   */
  private async startOnce(
    target: StashTarget,
    open: () => Promise<ZipSource>,
  ): Promise<ZipDownload | Buffer | typeof STORED> {
    const start = async (): Promise<ZipDownload | Buffer> => {
      this.prepareGates(target, 'zip');
      return this.start(target, await open());
    };
    if (this.coordinator === undefined) return start();
    const key = target.key;
    return this.coordinator.once<ZipDownload | Buffer | typeof STORED>(key, {
      lookup: async () => ((await this.storage.stat(key)) === null ? undefined : STORED),
      fetch: async () => {
        const started = await start();
        const stored = (): Promise<unknown> =>
          started instanceof ZipDownload ? started.finished : this.stores.hurry(key);
        return { value: started, stored };
      },
    });
  }

  /**
   * In memory if the upstream announced a size that fits (and the budget allows): verified
   * before it is answered up to `memoryZipBytes`, streamed while it arrives up to
   * `memoryStreamBytes`; else spooled.
   */
  private async start(target: StashTarget, source: ZipSource): Promise<ZipDownload | Buffer> {
    const maxBytes = this.options.memoryZipBytes ?? MEMORY_ZIP_BYTES;
    const streamBytes =
      maxBytes === 0 ? 0 : (this.options.memoryStreamBytes ?? MEMORY_STREAM_BYTES);
    const size = source.size;
    if (size === undefined || this.memoryHeld + size > MEMORY_ZIPS_BUDGET) {
      return this.spool(target, source);
    }
    if (size > maxBytes) {
      return size > streamBytes ? this.spool(target, source) : this.spool(target, source, size);
    }
    this.memoryHeld += size;
    let outcome: Buffer | ZipSource;
    try {
      outcome = await zipInMemory(source, {
        maxBytes,
        verify: (data) => this.verifyZip(target, data),
        stopping: () => this.lifetime.signal.aborted,
      });
    } finally {
      this.memoryHeld -= size;
    }
    if (!Buffer.isBuffer(outcome)) return this.spool(target, outcome);
    this.storeBehind(target.key, outcome);
    return outcome;
  }

  /**
   * A shared download: into a spool file, or with `inMemory` (the announced size, counted
   * against MEMORY_ZIPS_BUDGET until it is stored or failed) into memory, stored as soon as
   * it is verified, behind its readers, like a spooled zip's commit.
   */
  private spool(target: StashTarget, source: ZipSource, inMemory?: number): ZipDownload {
    const key = target.key;
    if (inMemory !== undefined) this.memoryHeld += inMemory;
    const started = new ZipDownload(source, {
      spoolDir: this.options.spoolDir,
      verify: (zip) => this.verifyZip(target, zip),
      commit: (spool, size) => this.commit(key, spool, size),
      commitBytes: inMemory === undefined ? undefined : (data) => this.commitBytes(key, data),
    });
    this.downloads.set(key, started);
    started.finished
      .catch(() => undefined)
      .finally(() => {
        if (inMemory !== undefined) this.memoryHeld -= inMemory;
        if (this.downloads.get(key) === started) this.downloads.delete(key);
      });
    return started;
  }

  /**
   * The `h1:` hash of the zip stored under `key` (for modgate's own checksum database, which
   * logs exactly what is served): copied to the spool directory, hashed, removed.
   */
  async storedZipHash(key: string): Promise<string> {
    const stored = await this.storage.openRead(key, undefined, this.lifetime.signal);
    if (stored === null) throw new ModgateError('internal', `${key}: zip vanished from storage`);
    const spool = join(this.options.spoolDir, `hash-${randomBytes(6).toString('hex')}.zip`);
    try {
      await pipeline(stored.stream, createWriteStream(spool, { mode: 0o600 }));
      return await hashZipFile(spool);
    } finally {
      await unlink(spool).catch(() => undefined);
    }
  }

  /** Stops gate calls still running (after the server stopped taking requests). */
  close(): void {
    this.lifetime.abort(new ModgateError('unavailable', 'modgate is shutting down'));
  }

  /**
   * The zip rules and size limit, then the gates with the `h1:` hash they computed; on the
   * spool file, or on the bytes of a zip downloaded in memory.
   */
  private async verifyZip(target: StashTarget, zip: string | Buffer): Promise<void> {
    const options = {
      ...(this.options.maxZipBytes === undefined ? {} : { maxZipBytes: this.options.maxZipBytes }),
      signal: this.lifetime.signal,
    };
    const checked =
      typeof zip === 'string'
        ? await checkZipFile(zip, target.modulePath, target.version, options)
        : await checkZipBytes(zip, target.modulePath, target.version, options);
    await this.runGates(target, 'zip', checked.hash);
  }

  /**
   * Moves a verified spool file into storage (atomic; a disk backend on the same file system
   * links it instead of copying). The spool is never written again after this; clients still
   * reading it keep their descriptor, and ZipDownload removes its name afterwards. Its clients
   * are not waiting for it: a failure is reported to `onStoreError`.
   */
  private async commit(key: string, spool: string, size: number): Promise<void> {
    try {
      await this.storage.putFile(key, spool, size, this.lifetime.signal);
    } catch (err) {
      this.options.onStoreError?.(key, err);
      throw err;
    }
  }

  /**
   * Stores a verified zip held in memory at once, as `commit` does a spool file (not through
   * the StoreQueue: its bytes, up to 16 MiB, would stay in memory until the service is quiet,
   * which put the go-download bench's peak RSS up by ~20 MB).
   */
  private async commitBytes(key: string, data: Buffer): Promise<void> {
    try {
      await this.storage.putBytes(key, data, this.lifetime.signal);
    } catch (err) {
      this.options.onStoreError?.(key, err);
      throw err;
    }
  }

  /** Tells the gates a file of the target's version is being fetched (ChecksumGate.prepare). */
  private prepareGates(target: StashTarget, file: 'mod' | 'zip'): void {
    const version = {
      modulePath: target.modulePath,
      version: target.version,
      file,
      isPrivate: target.private,
    };
    for (const gate of this.options.checksumGates ?? []) {
      gate.prepare?.(version, { signal: this.lifetime.signal });
    }
  }

  private async runGates(target: StashTarget, file: 'mod' | 'zip', hash: string): Promise<void> {
    for (const gate of this.options.checksumGates ?? []) {
      await gate.check(
        {
          modulePath: target.modulePath,
          version: target.version,
          file,
          hash,
          isPrivate: target.private,
        },
        { signal: this.lifetime.signal },
      );
    }
  }
}
