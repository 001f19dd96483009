import { Counter, Gauge, type Registry } from 'prom-client';
import { OPERATION_BUCKETS } from './buckets.js';
import { SeriesHistogram, type HistogramSeries } from './series-histogram.js';

const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;

/**
 * The upstream metrics of the catalogue, fed by the resilience decorators' events: it has the
 * shape of upstream's UpstreamObserver (app hands it over as one). `upstream` label values
 * come from the chain entries (credentials redacted, or `direct`): bounded by configuration.
 * Calls never throw.
 *
 * `attempt` and `bulkhead` run several times per upstream fetch, so they only add to plain
 * per-upstream records (as RequestMetrics does for requests): prom-client's Counter, Gauge and
 * Histogram build and hash a label set on every call (~0.1 ms of CPU per cold `.mod` miss in a
 * profile). The request counter, the bulkhead and `up` gauges are brought up to date from the
 * records when scraped; the durations are a SeriesHistogram.
 */
export class UpstreamMetrics {
  private readonly durations: SeriesHistogram;
  private readonly retries: Counter<'upstream'>;
  private readonly breaker: Gauge<'upstream' | 'state'>;
  private readonly transitions: Counter<'upstream' | 'to'>;
  private readonly rejected: Counter<'upstream'>;
  /** Per upstream: its breaker, its last attempt, its queue, its attempts by operation. */
  private readonly health = new Map<string, UpstreamRecord>();
  /** Upstreams whose breaker reported its initial state (later reports are transitions). */
  private readonly breakerKnown = new Set<string>();

  constructor(registry: Registry) {
    const registers = [registry];
    const health = this.health;
    new Counter({
      name: 'modgate_upstream_requests_total',
      help: 'Attempts at an upstream by operation and outcome (each retry is an attempt; rejected: not sent, breaker open or bulkhead full).',
      labelNames: ['upstream', 'operation', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const [upstream, h] of health) {
          for (const [operation, op] of h.operations) {
            for (const [outcome, n] of op.outcomes) this.inc({ upstream, operation, outcome }, n);
          }
        }
      },
    });
    this.durations = new SeriesHistogram(
      'modgate_upstream_request_duration_seconds',
      'Duration of upstream attempts (a zip: until its answer started).',
      OPERATION_BUCKETS,
    );
    registry.registerMetric(this.durations.asMetric());
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
    const queued: Gauge<'upstream'> = new Gauge({
      name: 'modgate_upstream_bulkhead_queued',
      help: 'Fetches waiting for a concurrency slot of the upstream.',
      labelNames: ['upstream'],
      registers,
      collect() {
        for (const [upstream, h] of health) {
          if (h.queued !== undefined) queued.set({ upstream }, h.queued);
        }
      },
    });
    this.rejected = new Counter({
      name: 'modgate_upstream_bulkhead_rejected_total',
      help: 'Fetches refused because every slot and queue place of the upstream was taken.',
      labelNames: ['upstream'],
      registers,
    });
    const up: Gauge<'upstream'> = new Gauge({
      name: 'modgate_upstream_up',
      help: '1 when the upstream breaker is not open and its last attempt did not fail.',
      labelNames: ['upstream'],
      registers,
      collect() {
        for (const [upstream, h] of health) {
          if (h.reported) up.set({ upstream }, h.open || h.failed ? 0 : 1);
        }
      },
    });
  }

  attempt(upstream: string, operation: string, outcome: string, seconds: number): void {
    const h = this.healthOf(upstream);
    let op = h.operations.get(operation);
    if (op === undefined) {
      op = { outcomes: new Map(), duration: undefined };
      h.operations.set(operation, op);
    }
    op.outcomes.set(outcome, (op.outcomes.get(outcome) ?? 0) + 1);
    if (outcome !== 'rejected') {
      op.duration ??= this.durations.series({ upstream, operation });
      op.duration.observe(seconds);
    }
    if (outcome === 'ok' || outcome === 'not_found') h.failed = false;
    else if (outcome === 'error' || outcome === 'timeout') h.failed = true;
    h.reported = true;
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
    h.reported = true;
  }

  bulkhead(upstream: string, queued: number): void {
    this.healthOf(upstream).queued = queued;
  }

  bulkheadRejected(upstream: string): void {
    this.rejected.inc({ upstream });
  }

  private healthOf(upstream: string): UpstreamRecord {
    let h = this.health.get(upstream);
    if (h === undefined) {
      h = { open: false, failed: false, reported: false, queued: undefined, operations: new Map() };
      this.health.set(upstream, h);
    }
    return h;
  }
}

/** What UpstreamMetrics keeps of one upstream between scrapes. */
interface UpstreamRecord {
  /** Whether its breaker is open. */
  open: boolean;
  /** Whether its last attempt failed. */
  failed: boolean;
  /** Whether an attempt or a breaker state was reported (`up` exists from then on). */
  reported: boolean;
  /** Fetches waiting for a slot, as last reported by its bulkhead (none reported: absent). */
  queued: number | undefined;
  /** Attempts by operation: counts by outcome, and the duration series once one was timed. */
  operations: Map<string, { outcomes: Map<string, number>; duration: HistogramSeries | undefined }>;
}
