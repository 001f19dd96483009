import { ModgateError, errorKind } from '../../errors/index.js';
import { escapePath, escapeVersion } from '../../module/index.js';
import type { Policy } from '../../policy/index.js';
import type { Tile, TileReader, Tree } from '../tlog/index.js';
import {
  AuthenticatedTiles,
  parseRecord,
  recordHash,
  storedHashIndex,
  tileHashReader,
  tilePath,
} from '../tlog/index.js';
import { ClientTileReader } from './client-tile-reader.js';
import { LookupMemory } from './lookup-memory.js';
import { Singleflight } from '../../async/index.js';
import { inSpan } from '../../metrics/tracing/index.js';
import { parseDataTile } from './data-tile.js';
import type { SumdbCache } from './sumdb-cache.js';
import { sumdbError } from './sumdb-error.js';
import type { SumdbState } from './sumdb-state.js';
import type { SumdbTransport } from './sumdb-transport.js';
import { Timeline, type SignedTree } from './timeline.js';
import type {
  AuthenticatedTile,
  LookupRecord,
  ModuleHashes,
  SumdbClientOptions,
} from './sumdb-client-types.js';

export type * from './sumdb-client-types.js';

/**
 * A verifying client for one checksum database, as the go command verifies
 * (go-modules-spec §6.7; x/mod sumdb client.go). Every answer it returns has been
 * authenticated: the lookup's tree note verified with the key and merged into the timeline,
 * and the record's hash found at its leaf through tiles authenticated against that timeline.
 * Concurrent lookups of one module version, and concurrent reads of one tile, share one fetch.
 */
export class SumdbClient {
  readonly name: string;
  readonly tileHeight: number;
  private readonly transport: SumdbTransport;
  private readonly cache: SumdbCache;
  private readonly lookupAnswers: LookupMemory;
  private readonly tiles: ClientTileReader;
  private readonly timeline: Timeline;
  private readonly proved = new AuthenticatedTiles(); // proved tiles of the latest tree head
  private readonly lookups = new Singleflight<LookupRecord>();
  private readonly latestFetches = new Singleflight<SignedTree>();
  private readonly latestMaxAgeMs: number;
  private readonly now: () => number;
  private readonly onCacheError: (file: string, err: unknown) => void;
  private readonly policy: Pick<Policy, 'forModule'> | undefined;
  private readonly offline: boolean;
  private readonly state: SumdbState;
  private fetched: { at: number; latest: SignedTree } | undefined;

  constructor(options: SumdbClientOptions) {
    this.name = options.name;
    this.tileHeight = options.tileHeight ?? 8;
    this.transport = options.transport;
    this.cache = options.cache;
    this.latestMaxAgeMs = options.latestMaxAgeMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.onCacheError = options.onCacheError ?? (() => undefined);
    this.policy = options.policy;
    this.offline = options.offline ?? false;
    this.state = options.state;
    this.lookupAnswers = new LookupMemory(
      this.cache,
      options.memoryLookups ?? 4096,
      this.onCacheError,
    );
    this.tiles = new ClientTileReader(this.name, this.tileHeight, this.transport, this.cache, {
      memoryTiles: options.memoryTiles ?? 1024,
      onCacheError: this.onCacheError,
      writeBehind: (file, data) => this.lookupAnswers.write(file, data),
    });
    this.timeline = new Timeline(this.name, options.verifier, options.state, this.tiles);
  }

  /**
   * The size of the latest tree head verified, and when a tree head was last fetched from the
   * database (ms since the epoch; absent before any fetch by this process): the dashboard's
   * "last verified tree head" (issue 15).
   */
  async verifiedHead(): Promise<{ size: number; fetchedAt?: number }> {
    const { tree } = await this.timeline.current();
    return this.fetched === undefined
      ? { size: tree.n }
      : { size: tree.n, fetchedAt: this.fetched.at };
  }

  /**
   * The database's go.sum lines for a module version: `<path> <version> h1:...` and
   * `<path> <version>/go.mod h1:...` (only the latter for a version ending in `/go.mod`).
   * Throws `invalid` for a bad path or version, `forbidden` for a private path (see
   * SumdbClientOptions.policy), `not-found` when the database has no record,
   * `checksum` when its answer does not verify (SumdbForkError for a fork), `upstream` or
   * `timeout` when it cannot be reached.
   */
  async lookup(modulePath: string, version: string): Promise<string[]> {
    const { data } = await this.lookupRecord(modulePath, version);
    const { text } = parseRecord(data);
    const wanted = version.endsWith('/go.mod')
      ? [`${modulePath} ${version} `]
      : [`${modulePath} ${version} `, `${modulePath} ${version}/go.mod `];
    return text
      .toString('utf8')
      .split('\n')
      .filter((line) => wanted.some((p) => line.startsWith(p)));
  }

  /**
   * Compares the hashes modgate computed with the database's. Throws `checksum`
   * `checksum mismatch for <path>@<version>: <zip|go.mod>: expected <db h1>, got <h1>` when
   * the database has a line for it with another hash; passes when it has none (as the go
   * command does); lookup failures propagate (see lookup) — the caller decides what an
   * unreachable database means. Returns the database's lines.
   */
  async verifyModule(modulePath: string, version: string, hashes: ModuleHashes): Promise<string[]> {
    const lines = await this.lookup(modulePath, version);
    const check = (what: string, suffix: string, actual: string | undefined) => {
      if (actual === undefined) return;
      const prefix = `${modulePath} ${version}${suffix} `;
      const dbLines = lines.filter((line) => line.startsWith(prefix));
      if (dbLines.length === 0 || dbLines.includes(prefix + actual)) return;
      const expected = dbLines[0]!.slice(prefix.length);
      throw new ModgateError(
        'checksum',
        `checksum mismatch for ${modulePath}@${version}: ${what}: expected ${expected}, got ${actual}`,
      );
    };
    check('zip', '', hashes.zipHash);
    check('go.mod', '/go.mod', hashes.modHash);
    return lines;
  }

  /**
   * The verified `/lookup/<escaped path>@<escaped version>` answer, byte for byte as the
   * database sent it (a record and a signed tree note), from the cache or the database; a
   * fetched answer is cached once verified. `version` may end in `/go.mod`. In a span.
   */
  lookupRecord(modulePath: string, version: string): Promise<LookupRecord> {
    const attributes = { 'modgate.sumdb': this.name, 'modgate.module': `${modulePath}@${version}` };
    return inSpan('sumdb lookup', attributes, () => this.recordFor(modulePath, version));
  }

  private async recordFor(modulePath: string, version: string): Promise<LookupRecord> {
    if (this.policy?.forModule(modulePath).private === true) {
      throw new ModgateError(
        'forbidden',
        `${modulePath} is a private module: its path is never sent to checksum database ${this.name}`,
      );
    }
    const file = `lookup/${escapePath(modulePath)}@${escapeVersion(version.replace(/\/go\.mod$/, ''))}`;
    const context = `${modulePath}@${version}`;
    return await this.lookups.do(file, async () => {
      const cached = await this.fromCache(file);
      if (cached !== undefined) return { data: cached, cached: true };
      let data: Buffer;
      try {
        data = await this.transport.get(`/${file}`);
      } catch (err) {
        throw sumdbError(this.name, context, err);
      }
      let record;
      try {
        record = parseRecord(data);
      } catch (err) {
        throw sumdbError(this.name, context, err);
      }
      await this.merge(record.rest, context);
      await this.checkRecord(record.id, record.text, context);
      this.lookupAnswers.keep(file, data); // written to the cache behind this answer
      return { data, cached: false };
    });
  }

  /**
   * A lookup answer verified before: from memory (this process verified it), else from the
   * cache (it was verified before it was stored, and storage is trusted, so it is only checked
   * for shape: something unreadable is a miss).
   */
  private async fromCache(file: string): Promise<Buffer | undefined> {
    const remembered = this.lookupAnswers.remembered(file);
    if (remembered !== undefined) return remembered; // verified by this process
    try {
      const data = await this.cache.get(file);
      if (data === null) return undefined;
      parseRecord(data);
      this.lookupAnswers.remember(file, data);
      return data;
    } catch (err) {
      this.onCacheError(file, err);
      return undefined;
    }
  }

  /**
   * The database's current signed tree head, verified and merged into the timeline. Fetched
   * again once older than `maxAgeMs` (default: the client's latestMaxAgeMs).
   */
  async latest(maxAgeMs = this.latestMaxAgeMs): Promise<Buffer> {
    if (this.offline) {
      // Read from the store each time: `mirror import` may have moved it on meanwhile (it is
      // verified and proved consistent before it is stored).
      const note = await this.state.readLatest();
      if (note.length > 0) return note;
      throw new ModgateError(
        'not-found',
        `checksum database ${this.name} is offline (sumdb.offline): no signed tree head has been imported yet (modgate mirror import)`,
      );
    }
    const f = this.fetched;
    if (f !== undefined && this.now() - f.at < maxAgeMs) return f.latest.note;
    return (await this.fetchLatest()).note;
  }

  /** Resolves once the lookup answers verified so far are written to the cache (or failed). */
  settle(): Promise<void> {
    return this.lookupAnswers.settle();
  }

  /** The remembered tree head (an empty Buffer if none), without asking the database. */
  async remembered(): Promise<Buffer> {
    return (await this.timeline.current()).note;
  }

  /**
   * Tile `tile` (of this client's height; a hash or a data tile), authenticated against the
   * timeline: from memory or the cache, else from the database and proved to belong to the
   * latest tree head (fetching a newer `/latest` when the tile lies beyond the remembered
   * tree). A partial tile is answered from the widest version of it the tree has.
   * Throws `not-found` for a tile beyond the database's tree.
   */
  async readTile(tile: Tile): Promise<AuthenticatedTile> {
    if (tile.h !== this.tileHeight) {
      throw new ModgateError(
        'not-found',
        `checksum database ${this.name}: only tiles of height ${this.tileHeight} are served`,
      );
    }
    const hit = await this.tiles.cached(tile);
    if (hit !== undefined) {
      if (tile.l >= 0) return { data: hit, cached: true };
      return { data: this.dataTilePrefix(tile, hit), cached: true };
    }
    const read = (tree: Tree) =>
      tile.l >= 0 ? this.authenticateHashTile(tree, tile) : this.readDataTile(tree, tile);
    const tree = await this.treeCovering(tile);
    try {
      return { data: await read(tree), cached: false };
    } catch (err) {
      // The database may have stopped serving the partial tiles of our tree (it has grown
      // since): once a second at most, read through its newer tree instead.
      if (errorKind(err) !== 'not-found') throw err;
      await this.latest(Math.min(1000, this.latestMaxAgeMs));
      const newer = (await this.timeline.current()).tree;
      if (newer.n === tree.n) throw err;
      return { data: await read(newer), cached: false };
    }
  }

  private async merge(note: Buffer, context: string): Promise<Tree> {
    try {
      return await this.timeline.merge(note);
    } catch (err) {
      throw sumdbError(this.name, context, err);
    }
  }

  /** Record `id` must hash to the leaf stored for it in the latest tree (client.go checkRecord). */
  private async checkRecord(id: number, text: Buffer, context: string): Promise<void> {
    const { tree } = await this.timeline.current();
    if (id >= tree.n) {
      throw new ModgateError(
        'checksum',
        `checksum database ${this.name}: ${context}: cannot validate record ${id} in tree of size ${tree.n}`,
      );
    }
    let leaf: Buffer;
    try {
      const reader = tileHashReader(tree, this.tiles, this.proved);
      [leaf] = (await reader.readHashes([storedHashIndex(0, id)])) as [Buffer];
    } catch (err) {
      throw sumdbError(this.name, `${context}: checking record ${id}`, err);
    }
    if (!leaf.equals(recordHash(text))) {
      throw new ModgateError(
        'checksum',
        `checksum database ${this.name}: ${context}: cannot authenticate record data in server response (record ${id} does not match the tree)`,
      );
    }
  }

  private fetchLatest(): Promise<SignedTree> {
    return this.latestFetches.do('latest', async () => {
      let note: Buffer;
      try {
        note = await this.transport.get('/latest');
      } catch (err) {
        throw sumdbError(this.name, 'latest', err);
      }
      const tree = await this.merge(note, 'latest');
      const latest = { tree, note };
      this.fetched = { at: this.now(), latest };
      return latest;
    });
  }

  /** The latest tree head, if it holds all of `tile`, after refreshing it if need be. */
  private async treeCovering(tile: Tile): Promise<Tree> {
    // The tile's last hash is at level L·H, position N·2^H + W - 1: it exists once that many
    // records, times 2^(L·H), have been logged. (For data tiles, level 0.)
    const level = Math.max(tile.l, 0) * tile.h;
    const needed = (tile.n * 2 ** tile.h + tile.w) * 2 ** level;
    let { tree } = await this.timeline.current();
    if (tree.n < needed) {
      await this.latest();
      tree = (await this.timeline.current()).tree;
    }
    if (tree.n < needed) {
      throw new ModgateError(
        'not-found',
        `checksum database ${this.name}: ${tilePath(tile)} is beyond the tree of size ${tree.n}`,
      );
    }
    return tree;
  }

  /**
   * Proves hash tile `tile` part of `tree`: reads the hash at its last position through a
   * tileHashReader, which authenticates the tile (widened as far as the tree allows) with its
   * parents up to the signed root, and keeps what it read.
   */
  private async authenticateHashTile(tree: Tree, tile: Tile): Promise<Buffer> {
    let found: Buffer | undefined;
    const capture: TileReader = {
      height: this.tiles.height,
      readTiles: (tiles) => this.tiles.readTiles(tiles),
      saveTiles: async (tiles, data) => {
        tiles.forEach((t, i) => {
          if (t.l === tile.l && t.n === tile.n && t.w >= tile.w) found = data[i];
        });
        await this.tiles.saveTiles(tiles, data);
      },
    };
    const index = storedHashIndex(tile.l * tile.h, tile.n * 2 ** tile.h + tile.w - 1);
    try {
      await tileHashReader(tree, capture).readHashes([index]);
    } catch (err) {
      throw sumdbError(this.name, `reading ${tilePath(tile)}`, err);
    }
    if (found === undefined) {
      throw new ModgateError('internal', `sumdb: ${tilePath(tile)} was not among the tiles read`);
    }
    return found.subarray(0, tile.w * 32);
  }

  /**
   * Data tile `tile`: read as wide as `tree` allows (a narrower partial tile may no longer be
   * served), its records' hashes must be the level-0 hashes of `tree`. Kept once authenticated
   * (full ones in the cache, like hash tiles).
   */
  private async readDataTile(tree: Tree, tile: Tile): Promise<Buffer> {
    const context = `reading ${tilePath(tile)}`;
    const first = tile.n * 2 ** tile.h;
    const wide: Tile = { ...tile, w: Math.min(2 ** tile.h, tree.n - first) };
    try {
      const served = await this.tiles.fetch(wide);
      const { texts, length } = parseDataTile(served, first, wide.w);
      const data = served.subarray(0, length);
      const indexes = texts.map((_, i) => storedHashIndex(0, first + i));
      const leaves = await tileHashReader(tree, this.tiles, this.proved).readHashes(indexes);
      texts.forEach((text, i) => {
        if (!leaves[i]!.equals(recordHash(text))) {
          throw new ModgateError('checksum', `record ${first + i} does not match the tree`);
        }
      });
      await this.tiles.keep(wide, data);
      return this.dataTilePrefix(tile, data);
    } catch (err) {
      throw sumdbError(this.name, context, err);
    }
  }

  /** The bytes of the first W records of an authenticated (possibly wider) data tile. */
  private dataTilePrefix(tile: Tile, data: Buffer): Buffer {
    try {
      return data.subarray(0, parseDataTile(data, tile.n * 2 ** tile.h, tile.w).length);
    } catch (err) {
      throw sumdbError(this.name, `reading ${tilePath(tile)}`, err);
    }
  }
}
