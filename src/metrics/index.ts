// The metric registry and names (Prometheus, prom-client) and tracing (OpenTelemetry): the
// layers record what they do through the small interfaces exported here; app builds them
// from the configuration and serves /metrics.
export { createMetrics } from './modgate-metrics.js';
export type { Exposition, MetricsOptions, ModgateMetrics } from './modgate-metrics.js';
export { RequestMetrics, CODE_CLASSES, CACHE_RESULTS } from './request-metrics.js';
export type { FinishedRequest } from './request-metrics.js';
export { ROUTES, requestRoute, RouteIndex } from './request-route.js';
export { REQUEST_BUCKETS, OPERATION_BUCKETS } from './buckets.js';
export { StorageMetrics, STORAGE_OPERATIONS, STORAGE_OUTCOMES } from './storage-metrics.js';
export type { FilesystemSpace, StorageOperation, StorageOutcome } from './storage-metrics.js';
export { UpstreamMetrics } from './upstream-metrics.js';
export { GitMetrics, GIT_COMMANDS } from './git-metrics.js';
export type { GitCacheTotals, GitCommand, GitOutcome } from './git-metrics.js';
export { ServiceMetrics } from './service-metrics.js';
export { CoordinationMetrics, FALLBACK_REASONS } from './coordination-metrics.js';
export type { VerificationTotals } from './service-metrics.js';
