/** How long the service must have seen no miss before deferred stores run (see StoreQueue). */
export const STORE_QUIET_MS = 10;
/** The longest a store waits for quiet: after this it runs whatever the traffic. */
export const STORE_MAX_DELAY_MS = 5000;
/** Bytes of answered, unstored files beyond which stores run at once, quiet or not. */
export const STORE_MAX_PENDING_BYTES = 32 * 1024 * 1024;
/** Stores running at once (each is a few file operations: create, write, fdatasync, rename). */
const CONCURRENCY = 2;

export interface StoreQueueOptions {
  /** Writes one file atomically (Storage.putBytes). */
  readonly put: (key: string, body: Buffer) => Promise<void>;
  /** Told when a store failed; the file is then not stored, and no longer pending. */
  readonly onError?: ((key: string, err: unknown) => void) | undefined;
  readonly quietMs?: number | undefined;
  readonly maxDelayMs?: number | undefined;
  readonly maxPendingBytes?: number | undefined;
  readonly now?: (() => number) | undefined;
}

interface Entry {
  readonly key: string;
  readonly body: Buffer;
  readonly queuedAt: number;
  readonly stored: Promise<void>;
  readonly done: () => void;
  urgent: boolean;
  /** Still in `waiting` (not started). */
  waiting: boolean;
}

/**
 * The stores behind the answers (verified `.mod`, `.info` and small zips), run when the
 * service is quiet. Storing a file costs more than answering it — creating a file is the
 * dearest file operation (ext4 allocates an inode, 0.5–1 ms of kernel time on the bench's disk
 * after many deletions), on top of the write, fdatasync and rename — and on a server with one
 * core the stores of files already answered compete with the next requests of the same client
 * (the go command asks for one file at a time). So a store waits until no miss was seen for
 * `quietMs`, at most `maxDelayMs`, and runs at once when the pending bytes pass
 * `maxPendingBytes`, when someone needs the stored file (`hurry`) or on `settle`.
 *
 * What waiting gives up is what storing behind the answer already gives up, for a little
 * longer: a crash before the store leaves the file not stored (the next request fetches it
 * again), never stored wrong — every store is still written, fdatasynced and renamed into place.
 * Until stored, the process answers from the pending bytes (`bytesOf`).
 */
export class StoreQueue {
  private readonly pending = new Map<string, Entry>();
  private readonly waiting: Entry[] = [];
  private running = 0;
  /** Entries in `waiting` marked urgent: `delay` and `pump` then look for them, else not. */
  private urgentWaiting = 0;
  private bytes = 0;
  private lastActivity = -Infinity;
  private flushing = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly quietMs: number;
  private readonly maxDelayMs: number;
  private readonly maxPendingBytes: number;
  private readonly now: () => number;

  constructor(private readonly options: StoreQueueOptions) {
    this.quietMs = options.quietMs ?? STORE_QUIET_MS;
    this.maxDelayMs = options.maxDelayMs ?? STORE_MAX_DELAY_MS;
    this.maxPendingBytes = options.maxPendingBytes ?? STORE_MAX_PENDING_BYTES;
    this.now = options.now ?? (() => performance.now());
  }

  /** The service is busy answering a miss: stores wait for `quietMs` more. */
  noteActivity(): void {
    this.lastActivity = this.now();
  }

  /** Queues `body` to be stored under `key` (once: a key already pending is left alone). */
  add(key: string, body: Buffer): void {
    if (this.pending.has(key)) return;
    let done = (): void => undefined;
    const stored = new Promise<void>((resolve) => (done = resolve));
    const entry: Entry = {
      key,
      body,
      queuedAt: this.now(),
      stored,
      done,
      urgent: false,
      waiting: true,
    };
    this.pending.set(key, entry);
    this.waiting.push(entry);
    this.bytes += body.length;
    this.pump();
  }

  /** The bytes of a file answered but not stored yet, if any. */
  bytesOf(key: string): Buffer | undefined {
    return this.pending.get(key)?.body;
  }

  /** Resolves once the pending store of `key`, if any, has ended (either way); no hurry. */
  async stored(key: string): Promise<void> {
    await this.pending.get(key)?.stored;
  }

  /** Like `stored`, and the store of `key` runs now rather than when quiet. */
  async hurry(key: string): Promise<void> {
    const entry = this.pending.get(key);
    if (entry === undefined) return;
    if (!entry.urgent && entry.waiting) this.urgentWaiting++;
    entry.urgent = true;
    this.pump();
    await entry.stored;
  }

  /** Runs every pending store now and resolves once all have ended. */
  async settle(): Promise<void> {
    this.flushing++;
    try {
      while (this.pending.size > 0) {
        this.pump();
        await Promise.all([...this.pending.values()].map((e) => e.stored));
      }
    } finally {
      this.flushing--;
    }
  }

  private pump(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.running < CONCURRENCY && this.waiting.length > 0) {
      const wait = this.delay();
      if (wait > 0) {
        this.schedule(wait);
        return;
      }
      // Scanned only while an urgent entry waits: with hundreds of stores queued behind a
      // burst of misses, a scan per pump (each add and each finished store) added up.
      const i = this.urgentWaiting > 0 ? this.waiting.findIndex((e) => e.urgent) : 0;
      const entry = i <= 0 ? this.waiting.shift() : this.waiting.splice(i, 1)[0];
      if (entry !== undefined) {
        entry.waiting = false;
        if (entry.urgent) this.urgentWaiting--;
        this.start(entry);
      }
    }
  }

  /** Milliseconds until the next store may start (0: now). */
  private delay(): number {
    if (this.flushing > 0 || this.bytes >= this.maxPendingBytes) return 0;
    if (this.urgentWaiting > 0) return 0;
    const oldest = this.waiting[0]?.queuedAt ?? this.now();
    const at = Math.min(this.lastActivity + this.quietMs, oldest + this.maxDelayMs);
    return Math.max(0, at - this.now());
  }

  private schedule(wait: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.ceil(wait));
    // Not unref'd: pending stores keep the process alive (at most maxDelayMs) until stored.
  }

  private start(entry: Entry): void {
    this.running++;
    this.options
      .put(entry.key, entry.body)
      .catch((err: unknown) => this.options.onError?.(entry.key, err))
      .finally(() => {
        this.running--;
        this.bytes -= entry.body.length;
        if (this.pending.get(entry.key) === entry) this.pending.delete(entry.key);
        entry.done();
        this.pump();
      });
  }
}
