/**
 * Coordination (DESIGN §3 "Lock / coalescer"): how the processes serving one storage agree on
 * who fetches a missing file, what the upstreams said they do not have, which lists are
 * fresh, and who may append to modgate's own checksum database. In-process by default
 * (LocalCoordinator); across replicas through Redis when `coordination.redis_url` is set
 * (RedisCoordinator), falling back to in-process behaviour while Redis is unreachable.
 * docs/replicas.md says what is guaranteed and what is not.
 */
export type { Coordinator, Fetched, LockGuard, OnceWork, SharedAnswer } from './coordinator.js';
export type { CoordinationObserver, FallbackReason } from './coordination-observer.js';
export { LocalCoordinator } from './local-coordinator.js';
// RedisCoordinator is imported from './redis-coordinator.js' where one is made: it loads ioredis
// (~8 MB of memory), which a process without `coordination.redis_url` never needs.
export type { RedisCoordinatorOptions } from './redis-coordinator.js';
