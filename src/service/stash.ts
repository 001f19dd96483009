import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Singleflight } from '../async/index.js';
import { ModgateError } from '../errors/index.js';
import type { Storage } from '../storage/storage.js';
import type { ZipSource } from '../upstream/upstream.js';
import { checkZipFile, hashGoMod, hashZipFile } from '../zip/index.js';
import type { ChecksumGate } from './checksum-gate.js';
import { ZipDownload } from './zip-download.js';

export interface StashOptions {
  /** A local directory of this process's own for files being downloaded (and hashed). */
  spoolDir: string;
  /** Run in order on every `.mod` and `.zip` before it is stored (see ChecksumGate). */
  checksumGates?: readonly ChecksumGate[] | undefined;
  /** The largest zip accepted (`limits.max_zip_bytes`; Go's own limit if absent or higher). */
  maxZipBytes?: number | undefined;
}

/** The file a stash call is about: which module version, under which storage key. */
export interface StashTarget {
  readonly modulePath: string;
  readonly version: string;
  readonly key: string;
  /** The policy's `private` for the module path (told to the checksum gates). */
  readonly private: boolean;
}

/**
 * Verify before store (DESIGN §4), in one place for every upstream — proxies and direct
 * fetching alike (cf. Athens' stasher): fetch → spool → zip rules → `h1:` hash → checksum
 * gates → atomic commit. A `.mod` is spooled in memory (it is small, and its size was bounded
 * by the upstream); a `.zip` goes to a spool file that concurrent clients read while it
 * arrives (ZipDownload: all but the last MiB released before verification). Nothing reaches
 * storage before every check passed, and storage's writes are atomic, so a refused or broken
 * file is never visible.
 *
 * Concurrent requests for a zip being downloaded share that download. The stash owns its spool
 * directory: no other part of the service touches the file system.
 */
export class Stash {
  private readonly downloads = new Map<string, ZipDownload>();
  private readonly starts = new Singleflight<ZipDownload>();
  private readonly lifetime = new AbortController();

  constructor(
    private readonly storage: Storage,
    private readonly options: StashOptions,
  ) {}

  /** Fetches a go.mod, checks its hash with the gates, and stores it; returns its bytes. */
  async mod(target: StashTarget, fetch: () => Promise<Buffer>): Promise<Buffer> {
    const body = await fetch();
    await this.runGates(target, 'mod', hashGoMod(body));
    await this.storage.putBytes(target.key, body);
    return body;
  }

  /**
   * Starts (or joins) the download of a zip that is not stored yet; every caller for the same
   * zip shares one upstream request (`open` is called once). The reader is created before this
   * resolves, so the spool stays open for it however fast the download completes; the caller
   * must consume or destroy it.
   */
  async zip(
    target: StashTarget,
    open: () => Promise<ZipSource>,
  ): Promise<{ download: ZipDownload; reader: Readable }> {
    const key = target.key;
    const running = this.downloads.get(key);
    const download =
      running && (running.status === 'downloading' || running.status === 'verifying')
        ? running
        : await this.starts.do(key, async () => {
            const started = new ZipDownload(await open(), {
              spoolDir: this.options.spoolDir,
              verify: (spool) => this.verifyZip(target, spool),
              commit: (spool, size) => this.commit(key, spool, size),
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

  /** The zip rules and size limit, then the gates with the `h1:` hash they computed. */
  private async verifyZip(target: StashTarget, spool: string): Promise<void> {
    const checked = await checkZipFile(spool, target.modulePath, target.version, {
      ...(this.options.maxZipBytes === undefined ? {} : { maxZipBytes: this.options.maxZipBytes }),
      signal: this.lifetime.signal,
    });
    await this.runGates(target, 'zip', checked.hash);
  }

  /**
   * Moves a verified spool file into storage (atomic; a disk backend on the same file system
   * links it instead of copying). The spool is never written again after this; clients still
   * reading it keep their descriptor, and ZipDownload removes its name afterwards.
   */
  private commit(key: string, spool: string, size: number): Promise<void> {
    return this.storage.putFile(key, spool, size, this.lifetime.signal);
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
