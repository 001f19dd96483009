import type { Storage } from '../../storage/storage.js';
import type { Tile } from '../tlog/index.js';
import type { LogLayout } from './log-layout.js';

/**
 * Runs `fn` over `items`, at most `limit` at a time. After a failure no new item is started,
 * and the first failure is thrown only once every running call has settled: a write still in
 * flight could otherwise land after the next batch rewrote the same key.
 */
export async function inParallel<T>(
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

/**
 * Removes the partial tiles that the committed full tiles among `tiles` supersede (clients that
 * ask for one get a 404 and read the full tile, as the go command does). Best effort:
 * leftovers only cost space.
 */
export async function pruneTiles(
  storage: Storage,
  layout: LogLayout,
  tiles: readonly Tile[],
): Promise<void> {
  const superseded: Tile[] = [];
  for (const tile of tiles) {
    if (tile.w !== 2 ** tile.h) continue;
    for (const l of tile.l === 0 ? [0, -1] : [tile.l]) {
      for (let w = 1; w < tile.w; w++) superseded.push({ ...tile, l, w });
    }
  }
  await inParallel(superseded, (t) => storage.delete(layout.tile(t)).catch(() => undefined));
}
