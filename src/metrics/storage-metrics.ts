import { Counter, Gauge, type Registry } from 'prom-client';
import { ArrayHistogram, add } from './array-histogram.js';
import { OPERATION_BUCKETS } from './buckets.js';

/** The `operation` label of storage metrics: the Storage calls grouped by what they do. */
export const STORAGE_OPERATIONS = Object.freeze([
  'get',
  'put',
  'exists',
  'list',
  'delete',
] as const);
export type StorageOperation = (typeof STORAGE_OPERATIONS)[number];

/** `not_found`: a read of a missing key (an answer, not a failure). */
export const STORAGE_OUTCOMES = Object.freeze(['ok', 'not_found', 'error'] as const);
export type StorageOutcome = (typeof STORAGE_OUTCOMES)[number];

/** A file system's space, as statfs reports it to this process. */
export interface FilesystemSpace {
  /** Bytes this process may still write (statfs bavail × bsize). */
  freeBytes: number;
  sizeBytes: number;
}

const OUTCOMES = STORAGE_OUTCOMES.length;

/**
 * The storage metrics of the catalogue: modgate_storage_operations_total{operation,outcome},
 * modgate_storage_operation_duration_seconds{operation}, modgate_storage_stored_bytes and
 * _objects (absent until the first count is known), and
 * modgate_storage_filesystem_free_bytes / _size_bytes (disk backends: read at scrape time).
 *
 * `operation` runs for every storage call (several per cold `.mod` miss, one per stored file),
 * so it only adds to plain arrays indexed by label, as RequestMetrics does: prom-client's own
 * Counter and Histogram build and hash a label set per call, even through `labels()` children
 * (~0.1 ms of CPU per cold miss in a profile of the `.mod` phase). The counter is brought up
 * to date from the arrays when scraped; series appear once they counted something.
 */
export class StorageMetrics {
  private readonly counts = new Float64Array(STORAGE_OPERATIONS.length * OUTCOMES);
  private readonly durations: ArrayHistogram;
  private readonly opIndex: ReadonlyMap<string, number> = new Map(
    STORAGE_OPERATIONS.map((op, i) => [op, i]),
  );
  private readonly outcomeIndex: ReadonlyMap<string, number> = new Map(
    STORAGE_OUTCOMES.map((o, i) => [o, i]),
  );
  private readonly storedBytes: Gauge;
  private readonly storedObjects: Gauge;
  /** The stored totals the gauges show (set at scrape time: a put adds two numbers). */
  private bytes = 0;
  private objects = 0;
  private counted = false;

  constructor(private readonly registry: Registry) {
    const counts = this.counts;
    new Counter({
      name: 'modgate_storage_operations_total',
      help: 'Storage calls by operation and outcome (not_found: a read of a missing key).',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
      collect() {
        this.reset();
        for (let i = 0; i < counts.length; i++) {
          const v = counts[i] as number;
          if (v === 0) continue;
          this.inc(
            {
              operation: STORAGE_OPERATIONS[Math.floor(i / OUTCOMES)] as string,
              outcome: STORAGE_OUTCOMES[i % OUTCOMES] as string,
            },
            v,
          );
        }
      },
    });
    this.durations = new ArrayHistogram(
      'modgate_storage_operation_duration_seconds',
      'Duration of storage calls by operation (a streamed read: until the stream is open).',
      'operation',
      STORAGE_OPERATIONS,
      OPERATION_BUCKETS,
    );
    registry.registerMetric(this.durations.asMetric());
    // Registered once a count is known (storedCounted): a 0 before would be a lie.
    const storedBytes: Gauge = new Gauge({
      name: 'modgate_storage_stored_bytes',
      help: 'Bytes of the files in storage (counted at start, kept up to date by puts and deletes).',
      registers: [],
      collect: () => storedBytes.set(this.bytes),
    });
    const storedObjects: Gauge = new Gauge({
      name: 'modgate_storage_stored_objects',
      help: 'Files in storage (counted at start, kept up to date by puts and deletes).',
      registers: [],
      collect: () => storedObjects.set(this.objects),
    });
    this.storedBytes = storedBytes;
    this.storedObjects = storedObjects;
  }

  /** One finished Storage call: two array additions and a bucket search. */
  operation(op: StorageOperation, outcome: StorageOutcome, seconds: number): void {
    const o = this.opIndex.get(op);
    const r = this.outcomeIndex.get(outcome);
    if (o === undefined || r === undefined) return;
    add(this.counts, o * OUTCOMES + r, 1);
    this.durations.observe(o, seconds);
  }

  /** The stored totals became known (the start-up count): the gauges appear. */
  storedCounted(bytes: number, objects: number): void {
    this.bytes = bytes;
    this.objects = objects;
    if (!this.counted) {
      this.counted = true;
      this.registry.registerMetric(this.storedBytes);
      this.registry.registerMetric(this.storedObjects);
    }
  }

  /** A put or delete changed the stored totals (after storedCounted only). */
  storedChanged(bytes: number, objects: number): void {
    this.bytes += bytes;
    this.objects += objects;
  }

  /** Serves the file system gauges from `space`, read at every scrape (one statfs). */
  filesystem(space: () => Promise<FilesystemSpace>): void {
    let pending: Promise<FilesystemSpace> | undefined;
    // Both gauges are collected in one scrape: they share one statfs call.
    const read = (): Promise<FilesystemSpace> => {
      pending ??= space().finally(() => {
        pending = undefined;
      });
      return pending;
    };
    const free: Gauge = new Gauge({
      name: 'modgate_storage_filesystem_free_bytes',
      help: 'Bytes modgate may still write on the file system of the data directory.',
      registers: [this.registry],
      collect: async () => free.set((await read()).freeBytes),
    });
    const size: Gauge = new Gauge({
      name: 'modgate_storage_filesystem_size_bytes',
      help: 'Size in bytes of the file system of the data directory.',
      registers: [this.registry],
      collect: async () => size.set((await read()).sizeBytes),
    });
  }
}
