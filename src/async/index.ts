/**
 * Small pieces of concurrency control shared by every layer (they depend on nothing else in
 * modgate, so the service, the upstreams and the checksum-database code can all use them):
 *
 * - Singleflight: concurrent calls for one key share one call; settled calls are forgotten
 *   at once, so a failure is never cached (caching answers is the caller's business).
 * - untilAborted: a caller waiting on shared work can give up when its own signal aborts
 *   without cancelling the work for the others.
 * - Semaphore: at most N holders at once, first come first served (git processes, warm's
 *   concurrent fetches).
 */
export { Singleflight } from './singleflight.js';
export { untilAborted } from './until-aborted.js';
export { Semaphore } from './semaphore.js';
