import { ModgateError } from '../../errors/index.js';
import type { Storage } from '../../storage/storage.js';
import type { Coordinator, LockGuard } from '../../coordination/index.js';
import { sign, type Signer, type Verifier } from '../note/index.js';
import {
  formatTree,
  isValidRecordText,
  newTiles,
  readTileData,
  recordHash,
  storedHashCount,
  storedHashes,
  storedHashIndex,
  treeHash,
  zeroHash,
  type Hash,
  type HashReader,
  type Tile,
  type Tree,
} from '../tlog/index.js';
import { loadLogHead } from './log-head.js';
import { LogLayout } from './log-layout.js';
import { fenceHead } from './fence-head.js';
import { inParallel, pruneTiles } from './tile-writes.js';
import { StoredTileReader } from './stored-tile-reader.js';

export interface SumdbLogOptions {
  storage: Storage;
  /** The database's key name, also its `/sumdb/<name>/` URL element. */
  name: string;
  signer: Signer;
  /** The signer's public half: the stored head must verify with it. */
  verifier: Verifier;
  /** Tile height (8, as sum.golang.org and the go command use). */
  tileHeight?: number;
  /** Most records committed under one tree head (default 256). */
  maxBatch?: number;
  /**
   * Test hook: runs after a batch's records and tiles are written and before its head is; a
   * rejection fails the batch there, as a crash would.
   */
  beforeHead?: () => Promise<void>;
  /**
   * The writer lock across replicas (the coordinator's `withLock`): each batch is committed
   * holding it, on the head reloaded from storage, and fenced before its head is written. Absent:
   * this process is the only writer (its own queue serializes the batches).
   */
  writerLock?: Pick<Coordinator, 'withLock'> | undefined;
}

/** A committed record: its id (leaf number) and text. */
export interface LoggedRecord {
  readonly id: number;
  readonly text: Buffer;
}

interface PendingAppend {
  readonly key: string;
  readonly text: Buffer;
  readonly resolve: (record: LoggedRecord) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * modgate's own transparency log: records appended one batch at a time by a single writer,
 * hashes and records published as tiles, each batch sealed by a signed tree head.
 *
 * Commit order (crash safety): record index files, hash tiles and data tiles first, the signed
 * head last, in one atomic storage write. The head is the truth: whatever a crashed batch
 * wrote beyond it is ignored — tiles past the head are never read or served and get
 * overwritten by the next batch, an index file whose id is past the head or whose text is not
 * the leaf there is treated as absent (so that version is appended again when next asked for).
 *
 * Writers: appends are queued and committed in batches, one batch at a time per process.
 * Replicas on one shared storage append through the writer lock (`writerLock`, Redis, see
 * docs/replicas.md): a batch is committed holding it; before building on the head the holder
 * reloads it from storage (another replica may have appended), and immediately before writing
 * the new head it checks that the stored head is still the one it built on and confirms the
 * lock (the fencing check: a holder whose lock expired — it stalled longer than the lock's
 * lifetime — writes no head, and the confirmation extends the lock to its full lifetime for
 * the write that follows). What is not guaranteed: a holder stalled for longer than the lock's
 * lifetime *between* that confirmation and its head write landing could still overwrite a
 * head written meanwhile — a window of one storage write, closed only by a storage-level
 * compare-and-swap, which the Storage seam does not offer. Without Redis (not configured), one
 * process must be the only writer; with Redis configured but unreachable, appends are refused
 * (`unavailable`) rather than risk a fork. Every replica serves what it has read: a tile or
 * record past its head makes it read the head again (`refresh`), so a client never sees a
 * replica deny what another one logged.
 */
export class SumdbLog {
  readonly name: string;
  private readonly storage: Storage;
  private readonly layout: LogLayout;
  private readonly signer: Signer;
  private readonly height: number;
  private readonly maxBatch: number;
  private readonly beforeHead: () => Promise<void>;
  private readonly stored: StoredTileReader;
  private head: { tree: Tree; note: Buffer };
  /** Texts of the records in the level-0 fringe tile (ids from its first leaf up to n). */
  private fringe: Buffer[];
  private readonly pending: PendingAppend[] = [];
  private writing = false;
  private drained: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly verifier: Verifier;
  private readonly writerLock: Pick<Coordinator, 'withLock'> | undefined;
  private refreshing: Promise<void> | undefined;

  private constructor(
    opts: SumdbLogOptions,
    layout: LogLayout,
    head: { tree: Tree; note: Buffer },
    fringe: Buffer[],
  ) {
    this.name = opts.name;
    this.storage = opts.storage;
    this.layout = layout;
    this.signer = opts.signer;
    this.height = opts.tileHeight ?? 8;
    this.maxBatch = opts.maxBatch ?? 256;
    this.beforeHead = opts.beforeHead ?? (() => Promise.resolve());
    this.verifier = opts.verifier;
    this.writerLock = opts.writerLock;
    this.stored = new StoredTileReader(opts.storage, layout, this.height, () => this.head.tree.n);
    this.head = head;
    this.fringe = fringe;
  }

  /**
   * Opens the log in storage, creating an empty one (a signed head of size 0) on first use.
   * The stored head must verify with `verifier` and its hash must be what the stored tiles
   * fold to; otherwise the log refuses to open (`internal`): serving it could fork the
   * history clients have seen.
   */
  static async open(opts: SumdbLogOptions): Promise<SumdbLog> {
    const layout = new LogLayout(opts.name);
    const height = opts.tileHeight ?? 8;
    const note = await opts.storage.getBytes(layout.latest);
    if (note === null) {
      const tree = { n: 0, hash: zeroHash() };
      const empty = sign({ text: formatTree(tree) }, [opts.signer]);
      await opts.storage.putBytes(layout.latest, empty);
      return new SumdbLog(opts, layout, { tree, note: empty }, []);
    }
    const head = await loadLogHead({ ...opts, layout, height }, note);
    return new SumdbLog(opts, layout, head, head.fringe);
  }

  /** The signed tree head: the size and root hash of the committed log. */
  get tree(): Tree {
    return this.head.tree;
  }

  /** The signed note of the tree head (what `/latest` serves and lookups end with). */
  get signedHead(): Buffer {
    return this.head.note;
  }

  /** The committed record of a module version, if it has one. */
  async find(modulePath: string, version: string): Promise<LoggedRecord | undefined> {
    const found = await this.findIn(this.head.tree, modulePath, version);
    if (found !== 'past-head') return found;
    // Logged by another replica after the head this one has read?
    await this.refresh();
    const again = await this.findIn(this.head.tree, modulePath, version);
    return again === 'past-head' ? undefined : again;
  }

  private async findIn(
    tree: Tree,
    modulePath: string,
    version: string,
  ): Promise<LoggedRecord | undefined | 'past-head'> {
    const data = await this.storage.getBytes(this.layout.record(modulePath, version));
    if (data === null) return undefined;
    const nl = data.indexOf(0x0a);
    const idStr = nl < 0 ? '' : data.subarray(0, nl).toString('latin1');
    if (!/^(0|[1-9][0-9]{0,15})$/.test(idStr)) return undefined;
    const id = Number(idStr);
    const text = data.subarray(nl + 1);
    if (!isValidRecordText(text)) return undefined;
    if (id >= tree.n) return 'past-head';
    const [leaf] = await this.stored.readHashes([storedHashIndex(0, id)]);
    return leaf!.equals(recordHash(text)) ? { id, text } : undefined;
  }

  /**
   * Appends the record of a module version and resolves once a signed head covers it. A
   * version that is already logged is not appended again: its committed record is returned,
   * whatever `text` says (the caller compares). Appends are queued and committed in batches by
   * one writer.
   */
  append(modulePath: string, version: string, text: Buffer): Promise<LoggedRecord> {
    if (!isValidRecordText(text)) {
      return Promise.reject(new ModgateError('invalid', 'malformed record text'));
    }
    if (this.closed) {
      return Promise.reject(
        new ModgateError('unavailable', `checksum database ${this.name} is shutting down`),
      );
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ key: `${modulePath}@${version}`, text, resolve, reject });
      void this.drain();
    });
  }

  /**
   * A tile of the committed tree, as stored: hash tiles (W×32 bytes) and data tiles (records
   * each followed by a blank line). `null` when the tile lies beyond the tree or is not stored
   * (a partial tile pruned once its full tile was written: clients then read the full one).
   */
  async readTile(tile: Tile): Promise<Buffer | null> {
    if (tile.h !== this.height) return null;
    const level = Math.max(tile.l, 0) * tile.h;
    const needed = (tile.n * 2 ** tile.h + tile.w) * 2 ** level;
    if (needed > this.head.tree.n) await this.refresh(); // another replica's newer head?
    if (needed > this.head.tree.n) return null;
    return this.storage.getBytes(this.layout.tile(tile));
  }

  /**
   * Takes the head stored now if another writer (a replica) committed past the one this
   * process has; one read of a small file when nothing changed. A stored head that does not
   * extend this one (smaller, or the same size with another hash) is a fork: `internal`.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.reload().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async reload(): Promise<void> {
    const note = await this.storage.getBytes(this.layout.latest);
    if (note === null || note.equals(this.head.note)) return;
    const head = await loadLogHead(
      {
        storage: this.storage,
        layout: this.layout,
        name: this.name,
        height: this.height,
        verifier: this.verifier,
      },
      note,
    );
    const mine = this.head.tree;
    if (head.tree.n < mine.n || (head.tree.n === mine.n && !head.tree.hash.equals(mine.hash))) {
      throw new ModgateError(
        'internal',
        `checksum database ${this.name}: the stored tree head (size ${head.tree.n}) does not extend the one this process committed (size ${mine.n}) — two writers without a shared lock?`,
      );
    }
    if (head.tree.n === mine.n) return;
    this.head = { tree: head.tree, note: head.note };
    this.fringe = head.fringe;
  }

  /**
   * Stops taking appends (they are refused as `unavailable`) and resolves once the queued ones
   * are committed (or failed), so that storage can be closed without cutting a batch short.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.drained;
  }

  private drain(): Promise<void> {
    if (this.writing) return this.drained;
    this.writing = true;
    this.drained = this.drainLoop();
    return this.drained;
  }

  private async drainLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          const records = await this.commit(batch);
          batch.forEach((p, i) => p.resolve(records[i]!));
        } catch (err) {
          batch.forEach((p) => p.reject(err));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /**
   * Appends one batch — holding the writer lock across replicas if there is one, on the head
   * as stored now (see the class comment).
   */
  private commit(batch: readonly PendingAppend[]): Promise<LoggedRecord[]> {
    if (this.writerLock === undefined) return this.commitHeld(batch, undefined);
    return this.writerLock.withLock(`sumdb:${this.name}`, async (guard) => {
      await this.refresh();
      return this.commitHeld(batch, guard);
    });
  }

  /** Appends one batch; the in-memory state changes only once its head is stored. */
  private async commitHeld(
    batch: readonly PendingAppend[],
    guard: LockGuard | undefined,
  ): Promise<LoggedRecord[]> {
    const old = this.head.tree;
    const results: LoggedRecord[] = new Array<LoggedRecord>(batch.length);
    const fresh = new Map<string, LoggedRecord>();
    const texts: Buffer[] = [];
    const added = new Map<number, Hash>();
    const reader: HashReader = {
      readHashes: async (indexes) => {
        const missing = indexes.filter((i) => !added.has(i));
        const read = missing.length === 0 ? [] : await this.stored.readHashes(missing);
        const byIndex = new Map(missing.map((i, k) => [i, read[k]!]));
        return indexes.map((i) => added.get(i) ?? byIndex.get(i)!);
      },
    };
    for (const [k, p] of batch.entries()) {
      const [modulePath = '', version = ''] = splitKey(p.key);
      const existing = fresh.get(p.key) ?? (await this.find(modulePath, version));
      if (existing !== undefined) {
        results[k] = existing;
        continue;
      }
      const id = old.n + texts.length;
      const hashes = await storedHashes(id, p.text, reader);
      hashes.forEach((h, i) => added.set(storedHashIndex(0, id) + i, h));
      texts.push(p.text);
      const record = { id, text: p.text };
      fresh.set(p.key, record);
      results[k] = record;
    }
    if (texts.length === 0) return results;

    const n = old.n + texts.length;
    if (storedHashIndex(0, old.n) + added.size !== storedHashCount(n)) {
      throw new ModgateError('internal', `checksum database ${this.name}: hash count mismatch`);
    }
    const tree: Tree = { n, hash: await treeHash(n, reader) };

    // Everything but the head, in parallel: until the head names them, none of it is trusted.
    const writes: { key: string; data: () => Promise<Buffer> | Buffer }[] = [];
    for (const [key, record] of fresh) {
      const [modulePath = '', version = ''] = splitKey(key);
      writes.push({
        key: this.layout.record(modulePath, version),
        data: () => Buffer.concat([Buffer.from(`${record.id}\n`), record.text]),
      });
    }
    const tiles = newTiles(this.height, old.n, n);
    const tileSize = 2 ** this.height;
    const fringeStart = old.n - (old.n % tileSize);
    const all = [...this.fringe, ...texts];
    for (const tile of tiles) {
      writes.push({ key: this.layout.tile(tile), data: () => readTileData(tile, reader) });
      if (tile.l !== 0) continue;
      const first = tile.n * tileSize - fringeStart;
      const records = all.slice(first, first + tile.w);
      writes.push({
        key: this.layout.tile({ ...tile, l: -1 }),
        data: () => Buffer.concat(records.flatMap((t) => [t, Buffer.from('\n')])),
      });
    }
    await inParallel(writes, async (w) => this.storage.putBytes(w.key, await w.data()));
    await this.beforeHead();
    if (guard !== undefined) {
      await fenceHead(this.storage, this.layout.latest, this.head.note, guard, this.name);
    }
    const note = sign({ text: formatTree(tree) }, [this.signer]);
    await this.storage.putBytes(this.layout.latest, note);

    this.head = { tree, note };
    this.fringe = all.slice(n - (n % tileSize) - fringeStart);
    await pruneTiles(this.storage, this.layout, tiles);
    return results;
  }
}

function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf('@');
  return [key.slice(0, at), key.slice(at + 1)];
}
