import type { Coordinator, LockGuard, OnceWork, SharedAnswer } from './coordinator.js';

const NO_FENCE: LockGuard = { confirm: () => Promise.resolve() };

/**
 * Coordination of a single process (no `coordination.redis_url`): the callers' own
 * in-process coalescing is all there is. `once` runs the fetch; nothing is shared (the
 * service's own not-found memory and list freshness are the whole truth); `withLock` runs one
 * holder at a time within this process.
 */
export class LocalCoordinator implements Coordinator {
  readonly description = 'in-process';
  private readonly locks = new Map<string, Promise<unknown>>();

  async once<T>(_key: string, work: OnceWork<T>): Promise<T> {
    return (await work.fetch()).value;
  }

  recallNotFound(): Promise<SharedAnswer | undefined> {
    return Promise.resolve(undefined);
  }

  rememberNotFound(): void {}

  freshFor(): Promise<number> {
    return Promise.resolve(0);
  }

  markFresh(): void {}

  forget(): void {}

  /** One process: no other replica to tell. */
  announce(): void {}

  onAnnounce(): () => void {
    return () => undefined;
  }

  withLock<T>(name: string, work: (guard: LockGuard) => Promise<T>): Promise<T> {
    const before = this.locks.get(name) ?? Promise.resolve();
    const run = before.then(
      () => work(NO_FENCE),
      () => work(NO_FENCE),
    );
    const tail = run.catch(() => undefined);
    this.locks.set(name, tail);
    void tail.then(() => {
      if (this.locks.get(name) === tail) this.locks.delete(name);
    });
    return run;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
