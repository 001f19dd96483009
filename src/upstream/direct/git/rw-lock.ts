/**
 * An in-process readers–writer lock, FIFO: a writer waits for the readers before it, and
 * readers that arrive after a waiting writer wait for it (so a stream of reads cannot starve
 * a fetch). Used per bare repository: reads of the object database (log, cat-file, archive)
 * share it; anything that changes the repository (fetch, tag, attributes) holds it alone.
 */
export class RwLock {
  private readers = 0;
  /** Readers of objects by id (`withObjectsRead`): they take no turn. */
  private objectReaders = 0;
  private writing = false;
  private readonly queue: Array<{ write: boolean; grant: () => void }> = [];

  read(signal?: AbortSignal): Promise<() => void> {
    return this.enqueue(false, signal);
  }

  write(signal?: AbortSignal): Promise<() => void> {
    return this.enqueue(true, signal);
  }

  /**
   * Runs `fn` as a reader that waits for nobody and holds up nobody — for reads of objects by
   * id (a blob, the tree of a commit already here), which a concurrent writer cannot change:
   * git keeps a repository readable while it fetches into it (new objects arrive in new
   * packs; the gc a fetch may run deletes a pack only once its objects are in another, and a
   * reader that misses an object looks through the packs again). It still counts for `isIdle`.
   */
  async withObjectsRead<T>(fn: () => Promise<T>): Promise<T> {
    this.objectReaders++;
    try {
      return await fn();
    } finally {
      this.objectReaders--;
    }
  }

  /** Runs `fn` holding the lock shared. */
  withRead<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return holding(this.read(signal), fn);
  }

  /** Runs `fn` holding the lock exclusively. */
  withWrite<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return holding(this.write(signal), fn);
  }

  /** Whether nobody holds or waits for the lock (the git cache evicts only idle repositories). */
  get isIdle(): boolean {
    return (
      !this.writing && this.readers === 0 && this.objectReaders === 0 && this.queue.length === 0
    );
  }

  /** Whether a writer holds the lock (for tests). */
  get isWriteLocked(): boolean {
    return this.writing;
  }

  private async enqueue(write: boolean, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const entry = {
        write,
        grant: (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        const i = this.queue.indexOf(entry);
        if (i >= 0) {
          this.queue.splice(i, 1);
          this.pump();
          reject(signal?.reason as Error);
        }
      };
      this.queue.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pump();
    });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (write) this.writing = false;
      else this.readers--;
      this.pump();
    };
  }

  private pump(): void {
    for (;;) {
      const head = this.queue[0];
      if (head === undefined || this.writing) return;
      if (head.write) {
        if (this.readers > 0) return;
        this.writing = true;
      } else {
        this.readers++;
      }
      this.queue.shift();
      head.grant();
    }
  }
}

/** Runs `fn` once the lock is granted, and releases it however `fn` ends. */
async function holding<T>(granted: Promise<() => void>, fn: () => Promise<T>): Promise<T> {
  const release = await granted;
  try {
    return await fn();
  } finally {
    release();
  }
}
