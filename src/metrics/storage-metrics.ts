import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
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

interface OperationChildren {
  done: Record<StorageOutcome, { inc(): void }>;
  duration: { observe(seconds: number): void };
}

/**
 * The storage metrics of the catalogue: modgate_storage_operations_total{operation,outcome},
 * modgate_storage_operation_duration_seconds{operation}, modgate_storage_stored_bytes and
 * _objects (absent until the first count is known), and
 * modgate_storage_filesystem_free_bytes / _size_bytes (disk backends: read at scrape time).
 */
export class StorageMetrics {
  private readonly children = new Map<StorageOperation, OperationChildren>();
  private readonly storedBytes: Gauge;
  private readonly storedObjects: Gauge;
  private counted = false;

  constructor(private readonly registry: Registry) {
    const operations = new Counter({
      name: 'modgate_storage_operations_total',
      help: 'Storage calls by operation and outcome (not_found: a read of a missing key).',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    });
    const durations = new Histogram({
      name: 'modgate_storage_operation_duration_seconds',
      help: 'Duration of storage calls by operation (a streamed read: until the stream is open).',
      labelNames: ['operation'],
      buckets: [...OPERATION_BUCKETS],
      registers: [registry],
    });
    // Label sets bound once: recording is then a property read and a call.
    for (const op of STORAGE_OPERATIONS) {
      this.children.set(op, {
        done: {
          ok: operations.labels(op, 'ok'),
          not_found: operations.labels(op, 'not_found'),
          error: operations.labels(op, 'error'),
        },
        duration: durations.labels(op),
      });
    }
    // Registered once a count is known (storedCounted): a 0 before would be a lie.
    this.storedBytes = new Gauge({
      name: 'modgate_storage_stored_bytes',
      help: 'Bytes of the files in storage (counted at start, kept up to date by puts and deletes).',
      registers: [],
    });
    this.storedObjects = new Gauge({
      name: 'modgate_storage_stored_objects',
      help: 'Files in storage (counted at start, kept up to date by puts and deletes).',
      registers: [],
    });
  }

  /** One finished Storage call. */
  operation(op: StorageOperation, outcome: StorageOutcome, seconds: number): void {
    const c = this.children.get(op);
    if (c === undefined) return;
    c.done[outcome].inc();
    c.duration.observe(seconds);
  }

  /** The stored totals became known (the start-up count): the gauges appear. */
  storedCounted(bytes: number, objects: number): void {
    this.storedBytes.set(bytes);
    this.storedObjects.set(objects);
    if (!this.counted) {
      this.counted = true;
      this.registry.registerMetric(this.storedBytes);
      this.registry.registerMetric(this.storedObjects);
    }
  }

  /** A put or delete changed the stored totals (after storedCounted only). */
  storedChanged(bytes: number, objects: number): void {
    if (bytes !== 0) this.storedBytes.inc(bytes);
    if (objects !== 0) this.storedObjects.inc(objects);
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
