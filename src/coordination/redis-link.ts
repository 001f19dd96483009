import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log/index.js';
import { redactUrl } from '../protocol/redact-url.js';
import type { CoordinationObserver } from './coordination-observer.js';

/** Thrown by `RedisLink.run` when Redis cannot be used right now: the caller falls back. */
export class RedisDown extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RedisDown';
  }
}

export interface RedisLinkOptions {
  /** `redis://…` or `rediss://…`, with credentials (never logged: see `description`). */
  url: string;
  /** Every channel name and key starts with it. */
  keyPrefix: string;
  /** The most a command may take before it counts as Redis being unreachable. */
  commandTimeoutMs: number;
  logger: Logger;
  observer?: CoordinationObserver | undefined;
  /** Called with each notification published on the `done` channel. */
  onMessage: (message: string) => void;
}

/**
 * The two connections to Redis (commands, and a subscriber for notifications: a subscribed
 * connection takes no other commands), and whether Redis can be used right now.
 *
 * Bounded everywhere: no offline queue (a command while disconnected fails at once), no
 * retries of a command, a command timeout, a connect timeout; reconnection goes on in the
 * background (every 0.1–2 s). A change between reachable and unreachable is logged once each
 * way and reported to the observer; the URL's credentials are never logged.
 */
export class RedisLink {
  readonly description: string;
  readonly channel: string;
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private reported: 'unknown' | 'up' | 'down' = 'unknown';
  private closed = false;

  constructor(private readonly options: RedisLinkOptions) {
    this.description = redactUrl(options.url);
    this.channel = `${options.keyPrefix}done`;
    const common: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      connectTimeout: Math.max(options.commandTimeoutMs, 2000),
      commandTimeout: options.commandTimeoutMs,
      retryStrategy: (times) => Math.min(100 * times, 2000),
    };
    this.client = new Redis(options.url, { ...common, connectionName: 'modgate' });
    this.subscriber = new Redis(options.url, { ...common, connectionName: 'modgate-sub' });
    this.client.on('ready', () => this.report('up'));
    this.client.on('error', (err: Error) => this.report('down', err.message));
    this.client.on('close', () => this.report('down', 'connection closed'));
    this.subscriber.on('error', () => undefined); // the client's events say it all
    this.subscriber.on('ready', () => {
      this.subscriber.subscribe(this.channel).catch(() => undefined);
    });
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) options.onMessage(message);
    });
    // Connected in the background: modgate starts (and serves) while Redis is away.
    this.client.connect().catch(() => undefined);
    this.subscriber.connect().catch(() => undefined);
  }

  /** Whether commands can be sent now. */
  get isUp(): boolean {
    return !this.closed && this.client.status === 'ready';
  }

  /** Resolves true once commands can be sent, or false after `ms` (Redis still away). */
  waitUp(ms: number): Promise<boolean> {
    if (this.isUp) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (up: boolean): void => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        resolve(up);
      };
      const onReady = (): void => done(true);
      const timer = setTimeout(() => done(this.isUp), ms);
      this.client.on('ready', onReady);
    });
  }

  /** The full key for `name`. */
  key(name: string): string {
    return this.options.keyPrefix + name;
  }

  /**
   * Runs commands on the connection; throws RedisDown when Redis is unreachable or a command
   * fails or times out (the caller falls back to working without Redis).
   */
  async run<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
    if (!this.isUp) throw new RedisDown('Redis is unreachable');
    try {
      const result = await fn(this.client);
      this.noteAnswered();
      return result;
    } catch (err) {
      const reason = redactUrl(err instanceof Error ? err.message : String(err));
      // A timeout leaves the connection "ready": say it is down until it answers again.
      if (this.isUp && /timed? ?out/i.test(reason)) this.report('down', reason);
      throw new RedisDown(reason);
    }
  }

  /** `run` for work whose failure changes nothing (best effort writes): errors are dropped. */
  fireAndForget(fn: (redis: Redis) => Promise<unknown>): void {
    this.run(fn).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }

  private report(state: 'up' | 'down', reason?: string): void {
    if (this.closed || state === this.reported) return;
    const first = this.reported === 'unknown';
    this.reported = state;
    this.options.observer?.up(state === 'up');
    const redis = this.description;
    if (state === 'up') {
      this.options.logger.info(
        { redis },
        first
          ? 'coordination: connected to Redis; misses, not-found answers, list freshness and locks are shared across replicas'
          : 'coordination: Redis is reachable again; coordinating across replicas once more',
      );
    } else {
      this.options.logger.warn(
        { redis, reason: redactUrl(reason ?? '') },
        'coordination: Redis is unreachable; each replica coalesces its own misses until it is back (the own checksum database refuses appends meanwhile)',
      );
    }
  }

  /**
   * A command answered: Redis is up again after a timeout reported it down (the connection
   * stayed ready, so no `ready` event says so).
   */
  private noteAnswered(): void {
    if (this.isUp && this.reported === 'down') this.report('up');
  }
}
