import { tilePath, type Tile } from './tile.js';
import type { Tree } from './tree.js';

/** Tiles remembered at most (the oldest go first): ~8 KiB each at height 8. */
const MAX_TILES = 256;

/**
 * Hash tiles a tileHashReader authenticated against one signed tree, so that another read of
 * the same tree finds them proved already. A client checks each lookup's record against the
 * latest tree head (x/mod client.go checkRecord), and while that head does not change every
 * check would otherwise fold the same root tiles to the tree hash again and re-check the same
 * parents: hundreds of SHA-256 per lookup at height 8. A tile proved against a tree stays
 * proved for that tree; the memory is for one tree at a time (the first read of a new tree
 * forgets the tiles of the old one), keyed by the tile as that tree widens it.
 */
export class AuthenticatedTiles {
  private tree: Tree | undefined;
  private readonly tiles = new Map<string, Buffer>();

  constructor(private readonly maxTiles = MAX_TILES) {}

  /** The data of tile `t`, if it was authenticated against `tree`. */
  get(tree: Tree, t: Tile): Buffer | undefined {
    return this.isFor(tree) ? this.tiles.get(tilePath(t)) : undefined;
  }

  /** `tiles` (with `data`) were just authenticated against `tree`. */
  add(tree: Tree, tiles: readonly Tile[], data: readonly Buffer[]): void {
    if (!this.isFor(tree)) {
      this.tiles.clear();
      this.tree = tree;
    }
    tiles.forEach((t, i) => {
      const path = tilePath(t);
      this.tiles.delete(path); // re-inserted as the newest
      if (this.tiles.size >= this.maxTiles) {
        const oldest = this.tiles.keys().next();
        if (oldest.done !== true) this.tiles.delete(oldest.value);
      }
      this.tiles.set(path, data[i]!);
    });
  }

  private isFor(tree: Tree): boolean {
    return this.tree !== undefined && this.tree.n === tree.n && this.tree.hash.equals(tree.hash);
  }
}
