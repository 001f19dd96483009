import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { errnoCode, isMissing } from './disk-error.js';

/**
 * Several modgate processes may share one data directory: a restart that overlaps the old
 * process, two replicas on one host, or replicas on several hosts or containers mounting the
 * same volume. Each of them needs scratch space there (`.staging/` for atomic writes, `.spool/`
 * for zips being downloaded), and each must be able to clean up what a crashed one left
 * without ever touching what a live one is writing.
 *
 * So every process claims a directory of its own, `<parent>/<host>-<pid>-<random>/`, writes
 * only there, and removes it when it stops. Inside it a `.heartbeat` file is rewritten every
 * `heartbeatMs`; each rewrite sets the file's modification time from the clock of the file
 * system that holds it (the kernel's, or the NFS server's), not from the writer's clock.
 *
 * The liveness rule: an entry of `<parent>` is gone when its last sign of life (the heartbeat's
 * modification time, or the entry's own for anything without one: a directory that has not
 * written its heartbeat yet, a file an older modgate left directly in `<parent>`) is more than
 * `staleAfterMs` older than this process's heartbeat, rewritten just before. Gone entries are
 * removed at start and on every heartbeat after that, so leftovers of a killed process go
 * within `staleAfterMs` plus one beat even when no process restarts.
 *
 * Process ids are never consulted: kill(pid, 0) succeeds for a zombie and for an unrelated
 * process that reused the pid, and says nothing about a pid on another host or in another
 * container. Both times compared come from the same file-system clock, so the rule holds
 * across hosts whatever their clocks say. What it cannot tell apart is a process that stopped
 * beating for longer than `staleAfterMs` (frozen, suspended) from a dead one: hence a bound of
 * many beats. A process that finds its own directory removed recreates it on its next beat.
 */

/** How often a live process rewrites its heartbeat (and sweeps the others). */
export const DEFAULT_HEARTBEAT_MS = 30_000;

/**
 * How much older than ours another heartbeat must be for its process to count as gone: 20
 * beats, so a process paused for minutes (a VM migration, a debugger, a swap storm) or an NFS
 * client caching attributes for a minute never loses its files; a crashed process's leftovers
 * stay about ten minutes, which costs only disk space.
 */
export const DEFAULT_STALE_AFTER_MS = 10 * 60_000;

export const HEARTBEAT_FILE = '.heartbeat';

export interface InstanceLiveness {
  /** Default DEFAULT_HEARTBEAT_MS. */
  heartbeatMs?: number;
  /** Default DEFAULT_STALE_AFTER_MS; at least three heartbeats. */
  staleAfterMs?: number;
}

/** One process's own directory in a folder shared with other processes (see above). */
export class InstanceDir {
  /** `<host>-<pid>-<random>`: who owns it, for a person looking at the folder. */
  readonly id: string;
  readonly path: string;
  private readonly heartbeat: string;
  private readonly content: string;
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private closed = false;

  private constructor(
    readonly parent: string,
    liveness: InstanceLiveness,
  ) {
    this.heartbeatMs = liveness.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.staleAfterMs = liveness.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    if (!(this.heartbeatMs > 0) || !(this.staleAfterMs >= 3 * this.heartbeatMs)) {
      throw new RangeError(
        `instance directory: staleAfterMs (${this.staleAfterMs}) must be at least three heartbeats (heartbeatMs ${this.heartbeatMs})`,
      );
    }
    const host =
      hostname()
        .replace(/[^A-Za-z0-9.-]/g, '_')
        .slice(0, 64) || 'host';
    this.id = `${host}-${process.pid}-${randomBytes(6).toString('hex')}`;
    this.path = join(parent, this.id);
    this.heartbeat = join(this.path, HEARTBEAT_FILE);
    this.content = `${JSON.stringify({
      host: hostname(),
      pid: process.pid,
      started: new Date().toISOString(),
      heartbeatMs: this.heartbeatMs,
    })}\n`;
  }

  /**
   * Creates `parent` if needed and this process's directory in it, removes the entries of
   * processes that are gone, and starts the heartbeat (an unref'd timer: it never keeps the
   * process alive). File-system errors are thrown.
   */
  static async claim(parent: string, liveness: InstanceLiveness = {}): Promise<InstanceDir> {
    const dir = new InstanceDir(parent, liveness);
    await mkdir(parent, { recursive: true });
    await mkdir(dir.path);
    await writeFile(dir.heartbeat, dir.content, { flag: 'wx' });
    await dir.sweep();
    dir.timer = setInterval(() => dir.tick(), dir.heartbeatMs);
    dir.timer.unref();
    return dir;
  }

  /**
   * Rewrites the heartbeat, then removes every other entry of `parent` whose last sign of life
   * is more than `staleAfterMs` older; returns the names removed. Recreates this process's
   * directory if someone removed it.
   */
  async sweep(): Promise<string[]> {
    const now = await this.beat();
    const removed: string[] = [];
    for (const entry of await readdir(this.parent, { withFileTypes: true })) {
      if (entry.name === this.id) continue;
      const path = join(this.parent, entry.name);
      const last = await lastSignOfLife(path, entry.isDirectory());
      if (last === undefined || now - last <= this.staleAfterMs) continue;
      // Not ours to insist on: an entry we may not remove (another user's) is left as it is.
      const gone = await rm(path, { recursive: true, force: true }).then(
        () => true,
        () => false,
      );
      if (gone) removed.push(entry.name);
    }
    return removed;
  }

  /**
   * Recreates this process's directory (and heartbeat) if it is missing; after `close` it
   * refuses instead, so a late write cannot bring the directory back.
   */
  async ensure(): Promise<void> {
    if (this.closed) throw new Error(`instance directory ${this.path} was closed`);
    await this.beat();
  }

  /** Stops the heartbeat and removes this process's directory with everything in it. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.ticking;
    await rm(this.path, { recursive: true, force: true });
  }

  /** Rewrites the heartbeat in place; returns its new modification time (file-system clock). */
  private async beat(): Promise<number> {
    try {
      // r+: the same bytes over the old ones, so a reader never sees the file empty.
      await writeFile(this.heartbeat, this.content, { flag: 'r+' });
    } catch (err) {
      if (!isMissing(err)) throw err;
      // Removed under us (by a person, or by a process that took this one for dead while it
      // was frozen): recreate it, and `parent` if needed, but never what holds `parent` (a
      // data directory removed on purpose stays removed).
      await mkdirOnce(this.path).catch(async (e: unknown) => {
        if (errnoCode(e) !== 'ENOENT') throw e;
        await mkdirOnce(this.parent);
        await mkdirOnce(this.path);
      });
      await writeFile(this.heartbeat, this.content);
    }
    return (await stat(this.heartbeat)).mtimeMs;
  }

  private tick(): void {
    if (this.closed || this.ticking !== undefined) return;
    this.ticking = this.sweep()
      .catch(async (err: unknown) => {
        // The folder itself is gone (its data directory was removed): nothing left to keep.
        // Not when only our directory or `parent` went, e.g. removed between this beat's
        // write and its stat: the next beat recreates them (stopping here stopped the
        // heartbeat for good, and the process then looked dead to the others).
        if (isMissing(err) && !(await exists(dirname(this.parent)))) clearInterval(this.timer);
      })
      .finally(() => (this.ticking = undefined));
  }
}

/**
 * The latest modification time of an entry's heartbeat and of the entry itself (a directory's
 * changes when files are created in it). Undefined, so the entry is kept, when it is already
 * gone or cannot be examined.
 */
async function lastSignOfLife(path: string, isDirectory: boolean): Promise<number | undefined> {
  try {
    const own = await lstat(path);
    if (!isDirectory) return own.mtimeMs;
    const beat = await stat(join(path, HEARTBEAT_FILE)).catch((err: unknown) => {
      if (isMissing(err)) return undefined; // not written yet, or an older modgate's directory
      throw err;
    });
    return Math.max(own.mtimeMs, beat?.mtimeMs ?? 0);
  } catch {
    return undefined;
  }
}

/** Creates one directory level; one that already exists is fine. */
async function mkdirOnce(path: string): Promise<void> {
  await mkdir(path).catch((err: unknown) => {
    if (errnoCode(err) !== 'EEXIST') throw err;
  });
}

/** Whether `path` exists (any error reading it: no). */
function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
