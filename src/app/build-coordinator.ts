import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { LocalCoordinator, type Coordinator } from '../coordination/index.js';
import type { ModgateMetrics } from '../metrics/index.js';

/** How long start-up waits for Redis before serving without it (it keeps trying behind). */
const CONNECT_WAIT_MS = 5000;

/**
 * The coordinator of `coordination.*`: in-process without `redis_url`; with it, Redis, whose
 * metrics (modgate_coordination_*) are registered then. Start-up waits a few seconds for the
 * first connection — so that the first misses and the own checksum database's opening are
 * coordinated — and then serves without Redis if it is down (logged by the coordinator).
 */
export async function buildCoordinator(
  config: Config,
  logger: Logger,
  metrics: ModgateMetrics | undefined,
): Promise<Coordinator> {
  const c = config.coordination;
  if (c.redisUrl === '') return new LocalCoordinator();
  metrics?.coordination.enable();
  // Loaded only here: ioredis costs memory a process without Redis never needs.
  // eslint-disable-next-line no-restricted-syntax -- app may import coordination (a literal, layer-allowed target)
  const { RedisCoordinator } = await import('../coordination/redis-coordinator.js');
  const coordinator = new RedisCoordinator({
    url: c.redisUrl,
    keyPrefix: c.keyPrefix,
    lockTtlMs: c.lockTtlMs,
    waitTimeoutMs: c.waitTimeoutMs,
    logger,
    observer: metrics?.coordination,
  });
  await coordinator.connected(CONNECT_WAIT_MS);
  return coordinator;
}
