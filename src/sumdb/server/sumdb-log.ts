import { ModgateError } from '../../errors/index.js';
import type { Storage } from '../../storage/storage.js';
import { open, sign, verifierList, type Signer, type Verifier } from '../note/index.js';
import {
  formatTree,
  isValidRecordText,
  newTiles,
  parseTree,
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
import { LogLayout } from './log-layout.js';
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
 * One writer per process: appends are queued and committed in batches. Several processes
 * writing one log (replicas on shared storage) would fork it — that needs a lock across
 * replicas (Redis), which this log does not take; run one writer.
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
    const fail = (reason: string, cause?: unknown) =>
      new ModgateError('internal', `checksum database ${opts.name}: ${reason}`, { cause });
    let note = await opts.storage.getBytes(layout.latest);
    let tree: Tree;
    if (note === null) {
      tree = { n: 0, hash: zeroHash() };
      note = sign({ text: formatTree(tree) }, [opts.signer]);
      await opts.storage.putBytes(layout.latest, note);
    } else {
      try {
        tree = parseTree(open(note, verifierList(opts.verifier)).text);
      } catch (err) {
        throw fail(
          `the stored tree head (${layout.latest}) does not verify with this database's key — was the key replaced? Refusing to serve a log clients cannot trust`,
          err,
        );
      }
    }
    const reader = new StoredTileReader(opts.storage, layout, height, () => tree.n);
    let hash: Hash;
    try {
      hash = await treeHash(tree.n, reader);
    } catch (err) {
      throw fail(`cannot read the tiles of the tree of size ${tree.n}`, err);
    }
    if (!hash.equals(tree.hash)) {
      throw fail(`the stored tiles do not match the signed tree head of size ${tree.n}`);
    }
    const first = tree.n - (tree.n % 2 ** height);
    let fringe: Buffer[] = [];
    if (tree.n > first) {
      const tile: Tile = { h: height, l: -1, n: first / 2 ** height, w: tree.n - first };
      const data = await opts.storage.getBytes(layout.tile(tile));
      fringe = data === null ? [] : splitDataTile(data);
      if (fringe.length !== tile.w) throw fail(`data tile ${layout.tile(tile)} is damaged`);
      const leaves = await reader.readHashes(fringe.map((_, i) => storedHashIndex(0, first + i)));
      if (fringe.some((text, i) => !recordHash(text).equals(leaves[i]!))) {
        throw fail(`data tile ${layout.tile(tile)} does not match the tree`);
      }
    }
    return new SumdbLog(opts, layout, { tree, note }, fringe);
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
    const tree = this.head.tree;
    const data = await this.storage.getBytes(this.layout.record(modulePath, version));
    if (data === null) return undefined;
    const nl = data.indexOf(0x0a);
    const idStr = nl < 0 ? '' : data.subarray(0, nl).toString('latin1');
    if (!/^(0|[1-9][0-9]{0,15})$/.test(idStr)) return undefined;
    const id = Number(idStr);
    const text = data.subarray(nl + 1);
    if (id >= tree.n || !isValidRecordText(text)) return undefined;
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
    if (needed > this.head.tree.n) return null;
    return this.storage.getBytes(this.layout.tile(tile));
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

  /** Appends one batch; the in-memory state changes only once its head is stored. */
  private async commit(batch: readonly PendingAppend[]): Promise<LoggedRecord[]> {
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
    const note = sign({ text: formatTree(tree) }, [this.signer]);
    await this.storage.putBytes(this.layout.latest, note);

    this.head = { tree, note };
    this.fringe = all.slice(n - (n % tileSize) - fringeStart);
    await this.prune(tiles);
    return results;
  }

  /**
   * Removes the partial tiles a committed full tile supersedes (clients that ask for one get a
   * 404 and read the full tile, as the go command does). Best effort: leftovers only cost space.
   */
  private async prune(tiles: readonly Tile[]): Promise<void> {
    const superseded: Tile[] = [];
    for (const tile of tiles) {
      if (tile.w !== 2 ** tile.h) continue;
      for (const l of tile.l === 0 ? [0, -1] : [tile.l]) {
        for (let w = 1; w < tile.w; w++) superseded.push({ ...tile, l, w });
      }
    }
    await inParallel(superseded, (t) =>
      this.storage.delete(this.layout.tile(t)).catch(() => undefined),
    );
  }
}

/**
 * Runs `fn` over `items`, at most `limit` at a time. After a failure no new item is started,
 * and the first failure is thrown only once every running call has settled: a write still in
 * flight could otherwise land after the next batch rewrote the same key.
 */
async function inParallel<T>(
  items: readonly T[],
  fn: (item: T) => Promise<unknown>,
  limit = 16,
): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined) {
      try {
        await fn(items[next++]!);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.err;
}

function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf('@');
  return [key.slice(0, at), key.slice(at + 1)];
}

/** The record texts of a data tile written by this log (each followed by a blank line). */
function splitDataTile(data: Buffer): Buffer[] {
  const texts: Buffer[] = [];
  let pos = 0;
  while (pos < data.length) {
    const end = data.indexOf('\n\n', pos);
    if (end < 0) break;
    texts.push(data.subarray(pos, end + 1));
    pos = end + 2;
  }
  return pos === data.length ? texts : [];
}
