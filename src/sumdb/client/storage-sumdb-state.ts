import type { Storage } from '../../storage/storage.js';
import type { SumdbState } from './sumdb-state.js';

/** The storage key of a database's remembered tree head. */
export function sumdbLatestKey(name: string): string {
  return `sumdb/${name}/latest`;
}

// Tails of the per-key queues: one compare-and-swap at a time per (storage, key).
const queues = new WeakMap<Storage, Map<string, Promise<unknown>>>();

function serialized<T>(storage: Storage, key: string, fn: () => Promise<T>): Promise<T> {
  let byKey = queues.get(storage);
  if (byKey === undefined) {
    byKey = new Map();
    queues.set(storage, byKey);
  }
  const prev = byKey.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  byKey.set(key, tail);
  void tail.then(() => {
    if (byKey.get(key) === tail) byKey.delete(key);
  });
  return run;
}

/**
 * SumdbState over the Storage seam, under `sumdb/<name>/latest`.
 *
 * Storage has no conditional write, so compare-and-swap is read-compare-write serialized per
 * key within this process (every StorageSumdbState over the same Storage object shares the
 * queue). Replicas sharing one storage can interleave: the later write wins, which at worst
 * moves the stored head back to an older head that is still on the same verified timeline
 * (every writer only writes an extension of what it read), never to a fork. A Redis lock is
 * the place to make it strict across replicas.
 */
export class StorageSumdbState implements SumdbState {
  private readonly key: string;

  constructor(
    private readonly storage: Storage,
    name: string,
  ) {
    this.key = sumdbLatestKey(name);
  }

  async readLatest(): Promise<Buffer> {
    return (await this.storage.getBytes(this.key)) ?? Buffer.alloc(0);
  }

  compareAndSwapLatest(old: Buffer, next: Buffer): Promise<boolean> {
    return serialized(this.storage, this.key, async () => {
      const current = (await this.storage.getBytes(this.key)) ?? Buffer.alloc(0);
      if (!current.equals(old)) return false;
      await this.storage.putBytes(this.key, next);
      return true;
    });
  }
}
