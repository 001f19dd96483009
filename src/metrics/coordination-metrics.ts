import { Counter, Gauge, type Registry } from 'prom-client';

/** The `reason` label of modgate_coordination_fallbacks_total. */
export const FALLBACK_REASONS = ['unavailable', 'wait_timeout'] as const;

/**
 * The metrics of coordination across replicas (`coordination.redis_url`): whether Redis is
 * reachable, and the misses fetched without coordination. Registered by `enable` only — with
 * no Redis configured there is nothing to report (and an "up" gauge at 0 would page someone).
 * The observer interface of src/coordination, implemented structurally.
 */
export class CoordinationMetrics {
  private readonly upGauge: Gauge;
  private readonly fallbacks: Counter<'reason'>;
  private enabled = false;

  constructor(private readonly registry: Registry) {
    this.upGauge = new Gauge({
      name: 'modgate_coordination_up',
      help: '1 while Redis (coordination.redis_url) is reachable, 0 while this replica coordinates nothing.',
      registers: [],
    });
    this.fallbacks = new Counter({
      name: 'modgate_coordination_fallbacks_total',
      help: 'Misses fetched without coordinating with the other replicas, by reason.',
      labelNames: ['reason'],
      registers: [],
    });
  }

  /** Registers the metrics (Redis coordination is configured); 0 until it connects. */
  enable(): void {
    if (this.enabled) return;
    this.enabled = true;
    this.upGauge.set(0);
    for (const reason of FALLBACK_REASONS) this.fallbacks.inc({ reason }, 0);
    this.registry.registerMetric(this.upGauge);
    this.registry.registerMetric(this.fallbacks);
  }

  readonly up = (isUp: boolean): void => {
    this.upGauge.set(isUp ? 1 : 0);
  };

  readonly fallback = (reason: (typeof FALLBACK_REASONS)[number]): void => {
    this.fallbacks.inc({ reason });
  };
}
