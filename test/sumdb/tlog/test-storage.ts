// In-memory HashReader and TileReader for the tlog tests (ports of testHashStorage and
// testTilesStorage in x/mod sumdb/tlog/tlog_test.go).
import type { Hash, HashReader, Tile, TileReader } from '../../../src/sumdb/tlog/index.js';
import { tilePath } from '../../../src/sumdb/tlog/index.js';

/** Stored hashes in an array. Asserts that callers ask for indexes in increasing order. */
export class TestHashStorage implements HashReader {
  readonly hashes: Hash[] = [];

  readHashes(indexes: readonly number[]): Hash[] {
    for (let i = 1; i < indexes.length; i++) {
      if (indexes[i - 1]! >= indexes[i]!) throw new Error('indexes out of order');
    }
    return indexes.map((x) => {
      const h = this.hashes[x];
      if (h === undefined) throw new Error(`no stored hash ${x}`);
      return h;
    });
  }
}

/** Tiles in a map keyed by path; counts tiles read but not yet saved. Async on purpose. */
export class TestTileStorage implements TileReader {
  readonly height: number;
  readonly tiles: Map<string, Buffer>;
  unsaved = 0;
  readonly reads: string[] = [];

  constructor(height: number, tiles: Map<string, Buffer>) {
    this.height = height;
    this.tiles = tiles;
  }

  readTiles(tiles: readonly Tile[]): Promise<Buffer[]> {
    this.unsaved += tiles.length;
    return Promise.resolve(
      tiles.map((t) => {
        this.reads.push(tilePath(t));
        const data = this.tiles.get(tilePath(t));
        if (data === undefined) throw new Error(`no tile ${tilePath(t)}`);
        return data;
      }),
    );
  }

  saveTiles(tiles: readonly Tile[]): void {
    this.unsaved -= tiles.length;
  }
}
