import { randomBytes } from 'node:crypto';
import type { RedisLink } from './redis-link.js';

/** Deletes the lock only if it still holds this holder's token (never someone else's lock). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extends the lock to a full lifetime only if it still holds this holder's token. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * One lock in Redis, the usual single-instance way: `SET key token NX PX ttl` with a random
 * token, renewed (compare-and-pexpire) every third of its lifetime while held, released with
 * a compare-and-delete script — so a holder whose lock expired never extends or deletes the
 * lock someone else took since. A holder that dies stops renewing: its lock expires after
 * `ttlMs`. Commands go through RedisLink.run (RedisDown when Redis is unreachable).
 */
export class RedisLock {
  private readonly token = randomBytes(16).toString('hex');
  private timer: NodeJS.Timeout | undefined;
  /** False once a renewal found the lock gone (expired and maybe taken by another holder). */
  private held = false;

  constructor(
    private readonly link: RedisLink,
    /** The full Redis key. */
    readonly key: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes the lock if it is free; renews it in the background while held. */
  async tryAcquire(): Promise<boolean> {
    const ok = await this.link.run((r) => r.set(this.key, this.token, 'PX', this.ttlMs, 'NX'));
    if (ok !== 'OK') return false;
    this.held = true;
    this.timer = setInterval(() => void this.renewQuietly(), Math.max(1, this.ttlMs / 3));
    this.timer.unref();
    return true;
  }

  /** Whether the last renewal (or acquisition) found the lock still ours. */
  get isHeld(): boolean {
    return this.held;
  }

  /**
   * Extends the lock to a full lifetime now; false when it is no longer ours. Throws
   * RedisDown when Redis cannot be asked.
   */
  async renew(): Promise<boolean> {
    const n = await this.link.run((r) => r.eval(RENEW, 1, this.key, this.token, this.ttlMs));
    this.held = n === 1;
    return this.held;
  }

  /** Stops renewing and deletes the lock if it is still ours (best effort). */
  async release(): Promise<void> {
    this.stop();
    if (!this.held) return;
    this.held = false;
    await this.link.run((r) => r.eval(RELEASE, 1, this.key, this.token)).catch(() => undefined);
  }

  /** Stops renewing (the lock then expires by itself; what a dead holder's lock does). */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async renewQuietly(): Promise<void> {
    try {
      if (!(await this.renew())) this.stop();
    } catch {
      // Redis away for a moment: the next renewal tries again; if the lock expired meanwhile,
      // that renewal finds it so and the holder's fencing check refuses its commit.
    }
  }
}
