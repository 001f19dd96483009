import { Counter, Gauge, type Registry } from 'prom-client';

/** Checksum verification decisions by result: the `result` label. */
export interface VerificationTotals {
  ok: number;
  mismatch: number;
  unknown: number;
  unreachable: number;
}

/**
 * The metrics of the module service and the checksum databases: coalesced waiters (counted as
 * they join), the answer cache's size, checksum verifications and the own checksum database's
 * tree size (read from their owners at scrape time), and readiness (set by /readyz).
 */
export class ServiceMetrics {
  private readonly coalesced: Counter;
  private readonly ready: Gauge;
  private readyRegistered = false;

  constructor(private readonly registry: Registry) {
    this.coalesced = new Counter({
      name: 'modgate_coalesced_waiters_total',
      help: 'Requests that joined an upstream fetch already in flight instead of starting one.',
      registers: [registry],
    });
    this.ready = new Gauge({
      name: 'modgate_ready',
      help: '1 when the last /readyz probe answered 200, 0 when it answered otherwise.',
      registers: [],
    });
  }

  /** A request joined a fetch in flight. */
  coalescedWaiter(): void {
    this.coalesced.inc();
  }

  /** A /readyz probe answered (the gauge appears with the first one). */
  readiness(ready: boolean): void {
    this.ready.set(ready ? 1 : 0);
    if (!this.readyRegistered) {
      this.readyRegistered = true;
      this.registry.registerMetric(this.ready);
    }
  }

  /** Serves the answer cache gauges from `read`, at scrape time. */
  answerCache(read: () => { bytes: number; entries: number }): void {
    const bytes: Gauge = new Gauge({
      name: 'modgate_answer_cache_bytes',
      help: 'Bytes held by the in-memory answer cache.',
      registers: [this.registry],
      collect: () => bytes.set(read().bytes),
    });
    const entries: Gauge = new Gauge({
      name: 'modgate_answer_cache_entries',
      help: 'Answers held by the in-memory answer cache.',
      registers: [this.registry],
      collect: () => entries.set(read().entries),
    });
  }

  /** Serves modgate_checksum_verifications_total from running totals, read at scrape time. */
  checksumVerifications(read: () => VerificationTotals): void {
    const results = ['ok', 'mismatch', 'unknown', 'unreachable'] as const;
    const verifications: Counter<'result'> = new Counter({
      name: 'modgate_checksum_verifications_total',
      help: 'Files checked against the checksum database before being stored, by result.',
      labelNames: ['result'],
      registers: [this.registry],
      collect: () => {
        const totals = read();
        verifications.reset();
        for (const result of results) verifications.inc({ result }, totals[result]);
      },
    });
  }

  /** Serves modgate_sumdb_own_tree_size from `read` (records in modgate's own database). */
  ownTreeSize(read: () => number): void {
    const size: Gauge = new Gauge({
      name: 'modgate_sumdb_own_tree_size',
      help: "Records in modgate's own checksum database.",
      registers: [this.registry],
      collect: () => size.set(read()),
    });
  }
}
