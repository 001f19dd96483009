import { ModgateError } from '../../errors/index.js';
import { checkIndex, shl, shr } from './int53.js';
import type { Tile } from './tile.js';

/**
 * The hash tiles of height h to publish when a log grows from oldTreeSize to newTreeSize
 * records: per level, the full tiles completed since, then every width of the new fringe
 * tile from the old fringe width (listed again, as x/mod does) up, so that each partial
 * tile a client may ask for exists.
 * Example: newTiles(8, 0, 300) is tile/8/0/000, tile/8/0/001.p/1 … .p/44, tile/8/1/000.p/1.
 */
export function newTiles(h: number, oldTreeSize: number, newTreeSize: number): Tile[] {
  if (!Number.isInteger(h) || h < 1 || h > 30) {
    throw new ModgateError('invalid', `tlog: invalid tile height ${h}`);
  }
  checkIndex('old tree size', oldTreeSize);
  checkIndex('new tree size', newTreeSize);
  const tiles: Tile[] = [];
  for (let level = 0; shr(newTreeSize, h * level) > 0; level++) {
    const oldN = shr(oldTreeSize, h * level);
    const newN = shr(newTreeSize, h * level);
    for (let n = shr(oldN, h); n < shr(newN, h); n++) {
      tiles.push({ h, l: level, n, w: 2 ** h });
    }
    const n = shr(newN, h);
    const base = shl(n, h);
    const maxW = newN - base;
    const minW = oldN > base ? oldN - base : 1;
    for (let w = minW; w <= maxW; w++) tiles.push({ h, l: level, n, w });
  }
  return tiles;
}
