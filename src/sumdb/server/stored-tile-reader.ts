import { ModgateError } from '../../errors/index.js';
import type { Storage } from '../../storage/storage.js';
import {
  hashFromTile,
  tileForIndex,
  tilePath,
  type Hash,
  type HashReader,
  type Tile,
} from '../tlog/index.js';
import type { LogLayout } from './log-layout.js';

/**
 * Reads the log's stored hashes back from the hash tiles in storage. The hash at a stored-hash
 * index is in (or folded from) tile (L, N); of that tile, the widest one the committed tree has
 * is read — the full tile, or the fringe width, which is never pruned — and kept in memory, so
 * reading a run of hashes costs one storage read per tile.
 *
 * Only hashes of the committed tree (of size `treeSize()`) may be asked for: tiles beyond the
 * signed head may hold what a crashed append left behind. Within the tree, a tile's bytes never
 * change, and a narrower tile is a prefix of a wider one.
 */
export class StoredTileReader implements HashReader {
  /** `<L>/<N>` → the widest data read for that tile. */
  private readonly cache = new Map<string, { tile: Tile; data: Buffer }>();

  constructor(
    private readonly storage: Storage,
    private readonly layout: LogLayout,
    private readonly height: number,
    private readonly treeSize: () => number,
    private readonly cacheTiles = 64,
  ) {}

  async readHashes(indexes: readonly number[]): Promise<Hash[]> {
    const out: Hash[] = [];
    for (const index of indexes) {
      const tile = tileForIndex(this.height, index);
      const { tile: found, data } = await this.readTile(tile);
      out.push(hashFromTile(found, data, index));
    }
    return out;
  }

  private async readTile(tile: Tile): Promise<{ tile: Tile; data: Buffer }> {
    const key = `${tile.l}/${tile.n}`;
    const hit = this.cache.get(key);
    if (hit !== undefined && hit.tile.w >= tile.w) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const size = 2 ** tile.h;
    const atLevel = Math.floor(this.treeSize() / 2 ** (tile.l * tile.h));
    const w = Math.min(size, atLevel - tile.n * size);
    if (w < tile.w) {
      throw new ModgateError(
        'internal',
        `checksum database ${this.layout.name}: ${tilePath(tile)} is beyond the tree of size ${this.treeSize()}`,
      );
    }
    const widest: Tile = { ...tile, w };
    const data = await this.storage.getBytes(this.layout.tile(widest));
    if (data === null || data.length !== w * 32) {
      throw new ModgateError(
        'internal',
        `checksum database ${this.layout.name}: ${tilePath(widest)} is ${data === null ? 'missing from storage' : `${data.length} bytes, want ${w * 32}`}`,
      );
    }
    const entry = { tile: widest, data };
    this.cache.set(key, entry);
    if (this.cache.size > this.cacheTiles) this.cache.delete(this.cache.keys().next().value!);
    return entry;
  }
}
