import { ModgateError } from '../../errors/index.js';
import type { Tile, TileReader } from '../tlog/index.js';
import { HASH_SIZE, tilePath } from '../tlog/index.js';
import { Singleflight } from '../../async/index.js';
import { RecentMap } from './recent-map.js';
import type { SumdbCache } from './sumdb-cache.js';
import { sumdbError } from './sumdb-error.js';
import type { SumdbTransport } from './sumdb-transport.js';

export interface ClientTileReaderOptions {
  /** Authenticated tiles (full or partial, 8 KiB each at height 8) kept in memory. */
  memoryTiles: number;
  /** Told about a persistent-cache failure that was worked around. */
  onCacheError: (file: string, err: unknown) => void;
  /**
   * Writes an authenticated full tile to the persistent cache behind the read that
   * authenticated it (lookup-memory.ts: the tile is in memory meanwhile). Default: the read
   * waits for `cache.put`.
   */
  writeBehind?: (file: string, data: Buffer) => void;
}

/**
 * The client's TileReader (x/mod sumdb client.go readTile / SaveTiles). A tile is read from
 * the first of: memory, the persistent cache, the same tile's full version in either (its
 * prefix: both hold only authenticated data), the database, and — when the database does not
 * serve that partial tile, for example because it has been completed since — the full tile from
 * the database, truncated. Concurrent reads of a tile share one fetch.
 *
 * Tiles fetched from the database are suspect: they are only kept once the tileHashReader has
 * authenticated them and calls saveTiles. Full tiles then go to the persistent cache (they never
 * change); partial ones, superseded as the log grows, only to memory — the persistent cache
 * holds partial tiles only when a bundle import put them there (they are read like full ones).
 */
export class ClientTileReader implements TileReader {
  private readonly reads = new Singleflight<Buffer>();
  private readonly fetches = new Singleflight<Buffer>();
  private readonly memory: RecentMap<Buffer>;
  /** Full tiles known to be in the persistent cache. */
  private readonly persisted = new RecentMap<true>(100_000);

  constructor(
    private readonly name: string,
    readonly height: number,
    private readonly transport: SumdbTransport,
    private readonly cache: SumdbCache,
    private readonly options: ClientTileReaderOptions,
  ) {
    this.memory = new RecentMap(options.memoryTiles);
  }

  readTiles(tiles: readonly Tile[]): Promise<Buffer[]> {
    return Promise.all(tiles.map((t) => this.readTile(t)));
  }

  async saveTiles(tiles: readonly Tile[], data: readonly Buffer[]): Promise<void> {
    await Promise.all(tiles.map((t, i) => this.keep(t, data[i]!)));
  }

  /** An authenticated tile (hash or data) kept in memory or the persistent cache, if any. */
  async cached(tile: Tile): Promise<Buffer | undefined> {
    const file = tilePath(tile);
    const hit = this.memory.get(file) ?? (await this.fromCache(tile));
    if (hit !== undefined) return hit;
    if (isFull(tile)) return undefined;
    const full = fullTile(tile);
    const fullData = this.memory.get(tilePath(full)) ?? (await this.fromCache(full));
    return fullData === undefined ? undefined : prefix(tile, fullData);
  }

  /** Keeps a tile that has just been authenticated (hash or data). */
  async keep(tile: Tile, data: Buffer): Promise<void> {
    const file = tilePath(tile);
    this.memory.set(file, data);
    if (!isFull(tile) || this.persisted.has(file)) return;
    this.persisted.set(file, true);
    if (this.options.writeBehind !== undefined) return this.options.writeBehind(file, data);
    await this.cache.put(file, data).catch((err: unknown) => this.options.onCacheError(file, err));
  }

  /**
   * A tile from the database, unauthenticated, with the full-tile fallback. Hash tiles must be
   * exactly W×32 bytes (a full tile 2^H×32); data tiles are returned as served (for a fallback,
   * the whole full tile: the caller picks its first W records).
   */
  fetch(tile: Tile): Promise<Buffer> {
    return this.fetches.do(tilePath(tile), async () => {
      try {
        return await this.fetchExactly(tile);
      } catch (err) {
        if (isFull(tile) || isOwnFault(err)) throw err;
        const full = fullTile(tile);
        let data: Buffer;
        try {
          data = await this.fetchExactly(full);
        } catch {
          throw err; // the partial tile's failure says more
        }
        return tile.l < 0 ? data : prefix(tile, data);
      }
    });
  }

  private readTile(tile: Tile): Promise<Buffer> {
    return this.reads.do(tilePath(tile), async () => (await this.cached(tile)) ?? this.fetch(tile));
  }

  private async fetchExactly(tile: Tile): Promise<Buffer> {
    const file = tilePath(tile);
    let data: Buffer;
    try {
      data = await this.transport.get(`/${file}`);
    } catch (err) {
      throw sumdbError(this.name, `reading ${file}`, err);
    }
    if (tile.l >= 0 && data.length !== tile.w * HASH_SIZE) {
      throw new ModgateError(
        'checksum',
        `checksum database ${this.name}: ${file}: served ${data.length} bytes, want ${tile.w * HASH_SIZE} (truncated or malformed tile)`,
      );
    }
    return data;
  }

  private async fromCache(tile: Tile): Promise<Buffer | undefined> {
    // Full tiles are persisted as they are authenticated; partial ones only by a bundle import
    // (mirror import), for air-gapped sites. A partial tile of a given width never changes.
    const file = tilePath(tile);
    let data: Buffer | null;
    try {
      data = await this.cache.get(file);
    } catch (err) {
      this.options.onCacheError(file, err);
      return undefined;
    }
    if (data === null) return undefined;
    if (tile.l >= 0 && data.length !== tile.w * HASH_SIZE) {
      this.options.onCacheError(file, new Error(`cached tile has ${data.length} bytes`));
      return undefined;
    }
    if (isFull(tile)) this.persisted.set(file, true);
    this.memory.set(file, data);
    return data;
  }
}

function isFull(tile: Tile): boolean {
  return tile.w === 2 ** tile.h;
}

function fullTile(tile: Tile): Tile {
  return { ...tile, w: 2 ** tile.h };
}

/** The first W hashes of a wider hash tile; data tiles are returned whole (see fetch). */
function prefix(tile: Tile, data: Buffer): Buffer {
  return tile.l < 0 ? data : data.subarray(0, tile.w * HASH_SIZE);
}

/** A tile the database did serve, but wrongly: no reason to try another. */
function isOwnFault(err: unknown): boolean {
  return err instanceof ModgateError && err.kind === 'checksum';
}
