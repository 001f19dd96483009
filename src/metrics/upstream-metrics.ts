import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { OPERATION_BUCKETS } from './buckets.js';

const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;

/**
 * The upstream metrics of the catalogue, fed by the resilience decorators' events: it has the
 * shape of upstream's UpstreamObserver (app hands it over as one). `upstream` label values
 * come from the chain entries (credentials redacted, or `direct`): bounded by configuration.
 * Calls never throw.
 */
export class UpstreamMetrics {
  private readonly requests: Counter<'upstream' | 'operation' | 'outcome'>;
  private readonly durations: Histogram<'upstream' | 'operation'>;
  private readonly retries: Counter<'upstream'>;
  private readonly breaker: Gauge<'upstream' | 'state'>;
  private readonly transitions: Counter<'upstream' | 'to'>;
  private readonly queued: Gauge<'upstream'>;
  private readonly rejected: Counter<'upstream'>;
  private readonly up: Gauge<'upstream'>;
  /** Per upstream: whether its breaker is open, and whether its last attempt failed. */
  private readonly health = new Map<string, { open: boolean; failed: boolean }>();
  /** Upstreams whose breaker reported its initial state (later reports are transitions). */
  private readonly breakerKnown = new Set<string>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'modgate_upstream_requests_total',
      help: 'Attempts at an upstream by operation and outcome (each retry is an attempt; rejected: not sent, breaker open or bulkhead full).',
      labelNames: ['upstream', 'operation', 'outcome'],
      registers,
    });
    this.durations = new Histogram({
      name: 'modgate_upstream_request_duration_seconds',
      help: 'Duration of upstream attempts (a zip: until its answer started).',
      labelNames: ['upstream', 'operation'],
      buckets: [...OPERATION_BUCKETS],
      registers,
    });
    this.retries = new Counter({
      name: 'modgate_upstream_retries_total',
      help: 'Failed upstream attempts retried.',
      labelNames: ['upstream'],
      registers,
    });
    this.breaker = new Gauge({
      name: 'modgate_upstream_breaker_state',
      help: "1 for the circuit breaker's current state of each upstream, 0 for the others.",
      labelNames: ['upstream', 'state'],
      registers,
    });
    this.transitions = new Counter({
      name: 'modgate_upstream_breaker_transitions_total',
      help: 'Circuit breaker transitions by the state entered.',
      labelNames: ['upstream', 'to'],
      registers,
    });
    this.queued = new Gauge({
      name: 'modgate_upstream_bulkhead_queued',
      help: 'Fetches waiting for a concurrency slot of the upstream.',
      labelNames: ['upstream'],
      registers,
    });
    this.rejected = new Counter({
      name: 'modgate_upstream_bulkhead_rejected_total',
      help: 'Fetches refused because every slot and queue place of the upstream was taken.',
      labelNames: ['upstream'],
      registers,
    });
    this.up = new Gauge({
      name: 'modgate_upstream_up',
      help: '1 when the upstream breaker is not open and its last attempt did not fail.',
      labelNames: ['upstream'],
      registers,
    });
  }

  attempt(upstream: string, operation: string, outcome: string, seconds: number): void {
    this.requests.inc({ upstream, operation, outcome });
    if (outcome !== 'rejected') this.durations.observe({ upstream, operation }, seconds);
    const h = this.healthOf(upstream);
    if (outcome === 'ok' || outcome === 'not_found') h.failed = false;
    else if (outcome === 'error' || outcome === 'timeout') h.failed = true;
    this.up.set({ upstream }, h.open || h.failed ? 0 : 1);
  }

  retry(upstream: string): void {
    this.retries.inc({ upstream });
  }

  breakerState(upstream: string, state: string): void {
    const h = this.healthOf(upstream);
    const first = !this.breakerKnown.has(upstream);
    this.breakerKnown.add(upstream);
    for (const s of BREAKER_STATES) this.breaker.set({ upstream, state: s }, s === state ? 1 : 0);
    // The first call reports the initial state, not a transition.
    if (!first) this.transitions.inc({ upstream, to: state });
    h.open = state === 'open';
    this.up.set({ upstream }, h.open || h.failed ? 0 : 1);
  }

  bulkhead(upstream: string, queued: number): void {
    this.queued.set({ upstream }, queued);
  }

  bulkheadRejected(upstream: string): void {
    this.rejected.inc({ upstream });
  }

  private healthOf(upstream: string): { open: boolean; failed: boolean } {
    let h = this.health.get(upstream);
    if (h === undefined) {
      h = { open: false, failed: false };
      this.health.set(upstream, h);
    }
    return h;
  }
}
