import { statfs } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { MetricsServer } from '../http/metrics-server.js';
import {
  createMetrics,
  type GitCacheTotals,
  type GitCommand,
  type GitOutcome,
  type ModgateMetrics,
  type VerificationTotals,
} from '../metrics/index.js';
import type { ModuleService } from '../service/module-service.js';
import type { Storage } from '../storage/index.js';
import type { SumdbChecksumGate } from '../sumdb/verify/index.js';
import type { GitCommandEvent } from '../upstream/direct/git/index.js';
import type { UpstreamObserver } from '../upstream/upstream-observer.js';
import { InstrumentedStorage } from './instrumented-storage.js';
import { sourceCommit } from './source-commit.js';
import { MODGATE_VERSION } from './version.js';

/**
 * The metrics of one app (issue 11), wired from the composition root: build-app calls these
 * helpers, so that it names each seam once. Everything here is skipped when
 * `metrics.enabled` is false: no registry, no wrapper, no listener.
 */
export class AppMetrics {
  private listener: MetricsServer | undefined;

  private constructor(
    readonly metrics: ModgateMetrics,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  /** The app's metrics, or undefined when `metrics.enabled` is false. */
  static create(config: Config, logger: Logger): AppMetrics | undefined {
    if (!config.metrics.enabled) return undefined;
    const metrics = createMetrics({ version: MODGATE_VERSION, commit: sourceCommit() });
    return new AppMetrics(metrics, config, logger);
  }

  /** Whether the main listener answers /metrics (no separate `metrics.listen`). */
  get onMainListener(): boolean {
    return this.config.metrics.listen === null;
  }

  /**
   * Storage recorded in the storage metrics; its stored totals are counted in the background
   * (a failure is logged and leaves those gauges absent). A disk backend's file system is
   * read by statfs at each scrape.
   */
  storage(inner: Storage): Storage {
    const storage = new InstrumentedStorage(inner, this.metrics.storage);
    storage.countStored().catch((err: unknown) => {
      if (storage.closed) return; // stopped before the count ended
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'metrics: counting the stored files failed; modgate_storage_stored_* stay absent',
      );
    });
    if (this.config.storage.backend === 'disk') {
      const dir = this.config.dataDir;
      this.metrics.storage.filesystem(async () => {
        const s = await statfs(dir);
        return { freeBytes: s.bavail * s.bsize, sizeBytes: s.blocks * s.bsize };
      });
    }
    return storage;
  }

  /** The git runner's observer: one observation per git process. */
  readonly gitObserver = (event: GitCommandEvent): void => {
    // A command cut short by its caller (the request went away) says nothing about git.
    if (event.failure === 'aborted') return;
    const outcome: GitOutcome =
      event.failure === undefined ? 'ok' : event.failure === 'timeout' ? 'timeout' : 'error';
    // A long-running `cat-file --batch` serves many reads: its lifetime is no command latency.
    const batch = event.args.some((a) => a.startsWith('--batch'));
    const seconds = batch ? undefined : event.durationMs / 1000;
    this.metrics.git.command(gitCommand(event), outcome, seconds);
  };

  /** Serves the git cache gauges from the direct upstream's running totals, at scrape time. */
  watchGitCache(stats: () => GitCacheTotals): void {
    this.metrics.git.cache(stats);
  }

  /** What the resilience decorators report, recorded as the modgate_upstream_* metrics. */
  get upstreamObserver(): UpstreamObserver {
    return this.metrics.upstream;
  }

  /** The service's coalescing callback (ModuleServiceOptions.onCoalesced). */
  readonly onCoalesced = (): void => this.metrics.service.coalescedWaiter();

  /**
   * Gauges and counters read from their owners at scrape time: the answer cache, the checksum
   * gate's running totals, the own checksum database's tree size.
   */
  watch(parts: {
    service: ModuleService;
    checksumGate: Pick<SumdbChecksumGate, 'counts'> | undefined;
    ownTreeSize: (() => number) | undefined;
  }): void {
    const { service, checksumGate, ownTreeSize } = parts;
    this.metrics.service.answerCache(() => ({
      bytes: service.cache.bytes,
      entries: service.cache.size,
    }));
    if (checksumGate !== undefined) {
      this.metrics.service.checksumVerifications(() => verificationTotals(checksumGate.counts()));
    }
    if (ownTreeSize !== undefined) this.metrics.service.ownTreeSize(ownTreeSize);
  }

  /** Starts the separate listener of `metrics.listen`, if set; returns its URL. */
  async start(): Promise<string | undefined> {
    const listen = this.config.metrics.listen;
    if (listen === null) return undefined;
    const listener = new MetricsServer(this.metrics, this.logger);
    const url = await listener.listen(listen.host, listen.port);
    this.listener = listener;
    this.logger.info({ url: `${url}/metrics` }, 'metrics listening');
    return url;
  }

  async stop(): Promise<void> {
    await this.listener?.stop();
    this.listener = undefined;
  }
}

/** `storage` recorded in the metrics (AppMetrics.storage), or as it is when they are off. */
export function meteredStorage(metrics: AppMetrics | undefined, storage: Storage): Storage {
  return metrics === undefined ? storage : metrics.storage(storage);
}

/**
 * The catalogue's four results from the gate's totals. `ok`: the database confirmed the hash,
 * or has the version without a line for this file (passed, as the go command does);
 * `mismatch`: it records another hash, or its answer did not verify (a fork, a bad signature:
 * as alarming as a mismatch, and never stored); `unknown`: it has no record of the version;
 * `unreachable`: it could not be asked (refused or stored unverified, per on_unreachable).
 * Files never looked up (private paths, no_verify) are not verifications.
 */
function verificationTotals(c: ReturnType<SumdbChecksumGate['counts']>): VerificationTotals {
  return {
    ok: c.verified + c.unlisted,
    mismatch: c.mismatches + c.badDatabaseAnswers,
    unknown: c.unknownToDatabase,
    unreachable: c.unreachableRefused + c.unreachableAllowed,
  };
}

/** The `command` label of a git process: its class, and for local commands the subcommand. */
function gitCommand(event: GitCommandEvent): GitCommand {
  switch (event.class) {
    case 'ls-remote':
    case 'fetch':
    case 'archive':
      return event.class;
    case 'local':
      return subcommand(event.args) === 'cat-file' ? 'cat-file' : 'other';
  }
}

/** git's subcommand: the first argument that is not a global option (or its value). */
function subcommand(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-c' || a === '-C') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}
