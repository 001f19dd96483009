import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { CoordinationMetrics } from './coordination-metrics.js';
import { DEFAULT_METRICS_LOOP_PRECISION_MS, registerEventLoopDelay } from './event-loop-delay.js';
import { GitMetrics } from './git-metrics.js';
import { RequestMetrics } from './request-metrics.js';
import { ServiceMetrics } from './service-metrics.js';
import { StorageMetrics } from './storage-metrics.js';
import { UpstreamMetrics } from './upstream-metrics.js';

export interface MetricsOptions {
  /** modgate's version (package.json). */
  version: string;
  /** The source commit it was built from, or `unknown`. */
  commit: string;
}

/** The text exposition of a scrape. */
export interface Exposition {
  contentType: string;
  body: string;
}

/**
 * Every metric of one modgate instance (the catalogue of issue 11), on a registry of its own —
 * never prom-client's global one: tests run several instances in one process. The layers
 * record through the typed handles; `exposition()` is what /metrics answers.
 */
export interface ModgateMetrics {
  /** This instance's own metrics (the process metrics are added by `exposition`). */
  readonly registry: Registry;
  readonly requests: RequestMetrics;
  readonly storage: StorageMetrics;
  readonly upstream: UpstreamMetrics;
  readonly git: GitMetrics;
  readonly service: ServiceMetrics;
  /** Registered only with Redis coordination (CoordinationMetrics.enable). */
  readonly coordination: CoordinationMetrics;
  exposition(): Promise<Exposition>;
}

/** Node's process metrics (prom-client's defaults), made once per process; see processMetrics. */
let processRegistry: Registry | undefined;

/**
 * The process metrics, on a registry of their own made at the first call: they describe the
 * process, which every instance in it shares, and prom-client's collectors install a GC
 * observer and an event-loop delay monitor that nothing can remove — one set per process, not
 * one more per instance a test starts (event-loop-delay.ts: the delay monitor is modgate's own).
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({
      register: processRegistry,
      prefix: 'modgate_',
      eventLoopMonitoringPrecision: DEFAULT_METRICS_LOOP_PRECISION_MS,
    });
    // Its event-loop delay gauges, sampled every 50 ms instead of every 10 ms.
    registerEventLoopDelay(processRegistry, 'modgate_');
  }
  return processRegistry;
}

/** Creates the metrics of one instance: the catalogue's, plus Node's process metrics. */
export function createMetrics(options: MetricsOptions): ModgateMetrics {
  const registry = new Registry();
  const shared = processMetrics();
  new Gauge({
    name: 'modgate_build_info',
    help: 'Always 1; the labels say which modgate is running.',
    labelNames: ['version', 'commit', 'node_version'],
    registers: [registry],
  }).set({ version: options.version, commit: options.commit, node_version: process.version }, 1);
  return {
    registry,
    requests: new RequestMetrics(registry),
    storage: new StorageMetrics(registry),
    upstream: new UpstreamMetrics(registry),
    git: new GitMetrics(registry),
    service: new ServiceMetrics(registry),
    coordination: new CoordinationMetrics(registry),
    async exposition() {
      const [own, processText] = await Promise.all([registry.metrics(), shared.metrics()]);
      return { contentType: registry.contentType, body: own + processText };
    },
  };
}
