/**
 * Where a client remembers the latest signed tree head it has verified for one database (the
 * go command's `$GOPATH/pkg/sumdb/<name>/latest`). Every later tree head must extend it; it is
 * only ever replaced by a verified extension, through compare-and-swap, so that concurrent
 * clients sharing the store merge their timelines instead of overwriting each other.
 */
export interface SumdbState {
  /** The remembered signed note, or an empty Buffer when there is none yet. */
  readLatest(): Promise<Buffer>;
  /**
   * Stores `next` if the stored note is still `old` (an empty `old` matching "none");
   * resolves false, storing nothing, if it is not.
   */
  compareAndSwapLatest(old: Buffer, next: Buffer): Promise<boolean>;
}
