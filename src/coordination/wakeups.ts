/** One listener's view of `Wakeups`: wait for the next event of its key, or give up. */
export interface Wakeup<E> {
  /** The next event of the key, or undefined after `ms` without one. */
  wait(ms: number): Promise<E | undefined>;
  /** Stops listening (without waiting). */
  cancel(): void;
}

/**
 * Listeners by key, woken by events for their key (a notification that another replica's
 * fetch or lock ended). A listener registered before it waits sees an event that comes in
 * between; each listener sees at most one event.
 */
export class Wakeups<E> {
  private readonly listeners = new Map<string, Set<(event: E) => void>>();

  listen(key: string): Wakeup<E> {
    let seen: { event: E } | undefined;
    let resolveWait: ((event: E | undefined) => void) | undefined;
    const listener = (event: E): void => {
      seen ??= { event };
      resolveWait?.(event);
    };
    let set = this.listeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    const cancel = (): void => {
      const current = this.listeners.get(key);
      current?.delete(listener);
      if (current?.size === 0) this.listeners.delete(key);
    };
    return {
      wait: (ms) => {
        if (seen !== undefined) {
          cancel();
          return Promise.resolve(seen.event);
        }
        return new Promise<E | undefined>((resolve) => {
          const timer = setTimeout(() => {
            cancel();
            resolve(undefined);
          }, ms);
          resolveWait = (event) => {
            clearTimeout(timer);
            cancel();
            resolve(event);
          };
        });
      },
      cancel,
    };
  }

  wake(key: string, event: E): void {
    for (const listener of [...(this.listeners.get(key) ?? [])]) listener(event);
  }
}
