import { EventEmitter } from 'node:events';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ModgateError } from '../errors/index.js';
import type { ZipSource } from '../upstream/upstream.js';

/**
 * How many trailing bytes are withheld from clients until the zip has been verified. A zip's
 * central directory is at its end, so a client cannot finish (and the go command cannot
 * accept) a download whose last bytes never came: if verification fails, the connection is
 * cut and the client sees a truncated body instead of bad content. A zip that fits entirely
 * within the holdback is verified before the response starts, so it gets a clean 502.
 */
export const HOLDBACK_BYTES = 1024 * 1024;

const READ_CHUNK = 256 * 1024;
/** The most bytes of a zip held in memory handed to a reader at once (views, not copies). */
const MEMORY_CHUNK = 1024 * 1024;

/**
 * `committing`: verified, every byte released to readers, being moved into storage; `failed`
 * after `committing` means the commit failed (readers still get the verified bytes, storage
 * has nothing).
 */
export type ZipDownloadState = 'downloading' | 'verifying' | 'committing' | 'committed' | 'failed';

export interface ZipDownloadOptions {
  spoolDir: string;
  /**
   * Checks the complete zip (rules, size, h1, the checksum gates): the spool file's path, or
   * the bytes when they are held in memory.
   */
  verify: (zip: string | Buffer) => Promise<void>;
  /** Moves the verified spool file into storage. */
  commit: (spoolPath: string, size: number) => Promise<void>;
  /**
   * Given: the bytes are held in memory instead of a spool file (the source must announce its
   * size), and this stores the verified bytes (it may resolve once the store is queued).
   */
  commitBytes?: ((data: Buffer) => Promise<void>) | undefined;
}

/**
 * One upstream zip download, shared by every client that asks for the same zip while it runs.
 *
 * The upstream bytes go to a spool file; every client (the first one included) reads from that
 * file with positional reads, so memory stays flat however many clients join and clients start
 * receiving bytes before the download is complete. With `commitBytes` (a zip whose announced
 * size the stash's memory budget allows), they go to one buffer of that size instead, which
 * clients are sent slices of, the zip check reads and the commit stores: no file is created,
 * written per chunk and read back for the check and for each client (each a trip to libuv's
 * thread pool; a 10 MiB zip took 65-120 ms through the spool against ~35 ms in memory). All but the last HOLDBACK_BYTES are
 * released as they arrive; the rest as soon as the zip has been verified, before it is
 * committed to storage (the commit's fdatasync and rename are not the client's to wait for:
 * 89 ms for a 10 MiB zip on the bench's disk). Only a committed zip is ever visible in
 * storage: a commit that fails leaves nothing stored (`finished` rejects, the stash logs it and
 * the next request downloads the zip again), while readers already released finish reading
 * the verified bytes from the spool, which stays open for them.
 */
export class ZipDownload {
  private state: ZipDownloadState = 'downloading';
  /** Set once verification passed: from then on every byte is released, whatever the commit does. */
  private verified = false;
  /** The furthest any source wrote into the spool (a shorter later source must cut it). */
  private spoolEnd = 0;
  /** Bytes of the current source in the spool (all of them valid for clients, see run). */
  private written = 0;
  /**
   * The end of the furthest read any client has started: those bytes may have reached a
   * client, so a fallback source must have the very same ones there.
   */
  private reserved = 0;
  private failure: unknown;
  private readers = 0;
  private fd: FileHandle | undefined;
  /** The zip's bytes when held in memory (`commitBytes`): the announced size. */
  private memory: Buffer | undefined;
  private readonly events = new EventEmitter();
  /** Settles when the zip is committed to storage (resolves) or has failed (rejects). */
  readonly finished: Promise<void>;
  /** The size the upstream announced, if any. */
  private announced: number | undefined;
  /** Whether `size` was read while the upstream's announcement stood (a Content-Length sent). */
  private sizeShown = false;
  private readonly spoolPath: string;

  constructor(
    source: ZipSource,
    private readonly options: ZipDownloadOptions,
  ) {
    this.events.setMaxListeners(0);
    this.announced = source.size;
    if (options.commitBytes !== undefined) {
      if (source.size === undefined) throw new ModgateError('internal', 'zip size not announced');
      this.memory = Buffer.allocUnsafe(source.size);
    }
    this.spoolPath = join(options.spoolDir, `${Date.now()}-${randomBytes(6).toString('hex')}.zip`);
    this.finished = this.run(source);
    // Failures are reported to readers; nobody has to await `finished`.
    this.finished.catch(() => undefined);
  }

  get status(): ZipDownloadState {
    return this.state;
  }

  /** Bytes a client may be sent now. */
  private releasable(): number {
    if (this.verified) return this.written;
    if (this.state === 'failed') return 0;
    return Math.max(0, this.written - HOLDBACK_BYTES);
  }

  /**
   * The final size once known: once verified, or as announced by the upstream. Once read as
   * announced (a response went out with it as Content-Length), a fallback source must match it.
   */
  get size(): number | undefined {
    if (this.verified) return this.written;
    if (this.announced !== undefined) this.sizeShown = true;
    return this.announced;
  }

  /**
   * Resolves as soon as a response can start (some bytes are releasable, or the zip is
   * verified); rejects with the failure if the download failed before that.
   */
  async ready(): Promise<void> {
    for (;;) {
      if (this.verified || this.releasable() > 0) return;
      if (this.state === 'failed') throw this.failure;
      await this.changed();
    }
  }

  /** A stream of the whole zip; errors if the download fails after it started. */
  createReader(): Readable {
    this.readers++;
    let position = 0;
    // The pump runs while the stream wants bytes. A read() while it runs is not repeated by
    // Readable, so none may be lost: `wanted` (read() came during a push, e.g. synchronously
    // from a flowing consumer) keeps the pump going even if the push said the buffer is full,
    // and `reading` is cleared as the pump returns, not a microtask later (a reader started
    // once the whole zip was in memory stalled after its first chunk).
    let reading = false;
    let wanted = false;
    const push = (chunk: Buffer): boolean => {
      wanted = false;
      return reader.push(chunk) || wanted;
    };
    const pump = async (): Promise<void> => {
      try {
        for (;;) {
          if (this.state === 'failed' && !this.verified) {
            reader.destroy(asError(this.failure));
            return;
          }
          const limit = this.releasable();
          const memory = this.memory;
          if (position < limit && memory !== undefined) {
            // A view, not a copy: bytes released are never written again (a fallback source
            // is compared with them, see receive).
            const end = Math.min(limit, position + MEMORY_CHUNK);
            this.reserved = Math.max(this.reserved, end);
            const chunk = memory.subarray(position, end);
            position = end;
            if (!push(chunk)) return;
            continue;
          }
          if (position < limit) {
            const fd = this.fd;
            if (!fd) throw new ModgateError('internal', 'zip spool is not open');
            const length = Math.min(READ_CHUNK, limit - position);
            this.reserved = Math.max(this.reserved, position + length);
            const buf = Buffer.allocUnsafe(length);
            const { bytesRead } = await fd.read(buf, 0, length, position);
            position += bytesRead;
            if (!push(bytesRead === length ? buf : buf.subarray(0, bytesRead))) return;
            continue;
          }
          if (this.verified) {
            reader.push(null);
            return;
          }
          await this.changed();
        }
      } finally {
        reading = false;
      }
    };
    const reader = new Readable({
      highWaterMark: READ_CHUNK,
      read: () => {
        wanted = true;
        if (reading) return;
        reading = true;
        pump().catch((err: unknown) => reader.destroy(asError(err)));
      },
      destroy: (err, cb) => {
        this.readers--;
        this.maybeClose();
        cb(err);
      },
    });
    return reader;
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.events.once('change', resolve));
  }

  private emitChange(): void {
    this.events.emit('change');
  }

  private async run(first: ZipSource): Promise<void> {
    let source = first;
    let firstFailure: unknown;
    try {
      // 0644 less the umask: the mode stored files get, so the commit (a hard link of this
      // file) needs no chmod. The spool directory is this process's own; the zip's bytes end
      // up just as readable in storage.
      if (this.memory === undefined) this.fd = await open(this.spoolPath, 'w+', 0o644);
      for (;;) {
        try {
          await this.receive(source);
          this.state = 'verifying';
          await this.options.verify(this.memory ?? this.spoolPath);
          this.verified = true;
          break;
        } catch (err) {
          source.stream.destroy();
          firstFailure ??= err;
          const next = await this.fallbackFor(source, err);
          if (next === undefined) throw firstFailure;
          source = next;
          this.state = 'downloading';
        }
      }
      // Readers get the rest now; the commit runs behind them.
      this.state = 'committing';
      this.emitChange();
      const { commitBytes } = this.options;
      if (this.memory !== undefined && commitBytes !== undefined) await commitBytes(this.memory);
      else await this.options.commit(this.spoolPath, this.written);
      this.state = 'committed';
    } catch (err) {
      source.stream.destroy();
      this.failure = err;
      this.state = 'failed';
      throw err;
    } finally {
      this.emitChange();
      // Readers keep reading through the open descriptor; the name can go now.
      if (this.memory === undefined) await unlink(this.spoolPath).catch(() => undefined);
      this.maybeClose();
    }
  }

  /**
   * Writes one source's bytes to the spool from offset 0. Bytes a client may already have
   * (below `reserved`, from an earlier source) are compared instead of written: a fallback
   * source must agree with them, or the download fails (the client's connection is cut rather
   * than given a mix of two zips). Ends with the spool cut to this source's length.
   */
  private async receive(source: ZipSource): Promise<void> {
    if (this.memory !== undefined) return this.receiveInMemory(source, this.memory);
    const fd = this.fd;
    if (!fd) throw new ModgateError('internal', 'zip spool is not open');
    this.written = 0;
    for await (const chunk of source.stream as AsyncIterable<Buffer>) {
      const same = Math.max(0, Math.min(chunk.length, this.reserved - this.written));
      if (same > 0) await this.compareSpool(fd, chunk.subarray(0, same), this.written);
      let offset = same;
      while (offset < chunk.length) {
        const { bytesWritten } = await fd.write(
          chunk,
          offset,
          chunk.length - offset,
          this.written + offset,
        );
        offset += bytesWritten;
      }
      this.written += chunk.length;
      this.spoolEnd = Math.max(this.spoolEnd, this.written);
      this.emitChange();
    }
    if (this.written < this.reserved) {
      throw new ModgateError(
        'upstream',
        `zip ended after ${this.written} bytes, before bytes already sent to a client`,
      );
    }
    if (this.announced !== undefined && this.written !== this.announced) {
      throw new ModgateError(
        'upstream',
        `zip was ${this.written} bytes, but the upstream announced ${this.announced}`,
      );
    }
    // Only a longer earlier source left bytes past the end (one file operation less per zip).
    if (this.spoolEnd > this.written) {
      await fd.truncate(this.written);
      this.spoolEnd = this.written;
    }
  }

  /**
   * receive, into memory: the source must be exactly the buffer's size (the announced one; a
   * fallback announcing another size is not tried, see fallbackFor). Bytes below `reserved`
   * may have been sent: they are compared, not written.
   */
  private async receiveInMemory(source: ZipSource, memory: Buffer): Promise<void> {
    this.written = 0;
    for await (const chunk of source.stream as AsyncIterable<Buffer>) {
      const at = this.written;
      if (at + chunk.length > memory.length) {
        throw new ModgateError('upstream', `zip was over the ${memory.length} bytes announced`);
      }
      const same = Math.max(0, Math.min(chunk.length, this.reserved - at));
      if (same > 0 && !chunk.subarray(0, same).equals(memory.subarray(at, at + same))) {
        throw new ModgateError(
          'upstream',
          `the next upstream's zip differs from the bytes already sent to a client (near byte ${at})`,
        );
      }
      if (same < chunk.length) chunk.copy(memory, at + same, same);
      this.written = at + chunk.length;
      this.emitChange();
    }
    if (this.written < this.reserved) {
      throw new ModgateError(
        'upstream',
        `zip ended after ${this.written} bytes, before bytes already sent to a client`,
      );
    }
    if (this.written !== memory.length) {
      const got = `${this.written} bytes, but the upstream announced ${memory.length}`;
      throw new ModgateError('upstream', `zip was ${got}`);
    }
  }

  private async compareSpool(fd: FileHandle, expected: Buffer, position: number): Promise<void> {
    const buf = Buffer.allocUnsafe(expected.length);
    const { bytesRead } = await fd.read(buf, 0, expected.length, position);
    if (bytesRead !== expected.length || !buf.equals(expected)) {
      throw new ModgateError(
        'upstream',
        `the next upstream's zip differs from the bytes already sent to a client (near byte ${position})`,
      );
    }
  }

  /**
   * The source to try after `failed` failed with `err`: its fallback (the next `|` upstream),
   * unless the failure is not the upstream's (shutdown) or what a client was already told
   * rules it out (a Content-Length already sent, and the next source announces another size;
   * one that announces none must end at that size, see receive). Undefined when there is
   * none or it fails to open too.
   */
  private async fallbackFor(failed: ZipSource, err: unknown): Promise<ZipSource | undefined> {
    if (failed.fallback === undefined) return undefined;
    if (err instanceof ModgateError && err.kind === 'unavailable') return undefined;
    let next: ZipSource;
    try {
      next = await failed.fallback();
    } catch {
      return undefined;
    }
    if (this.memory !== undefined && next.size !== this.memory.length) {
      // Held in memory: only a source of the very size the buffer was made for.
      next.stream.destroy();
      return undefined;
    }
    if (this.sizeShown && next.size !== this.announced) {
      if (next.size !== undefined) {
        next.stream.destroy();
        return undefined;
      }
    } else {
      this.announced = next.size;
    }
    return next;
  }

  private maybeClose(): void {
    if (this.readers > 0 || (this.state !== 'committed' && this.state !== 'failed')) return;
    const fd = this.fd;
    this.fd = undefined;
    fd?.close().catch(() => undefined);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
