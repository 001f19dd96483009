import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { OPERATION_BUCKETS } from './buckets.js';

/** The `command` label: the git commands modgate runs, by what they cost. */
export const GIT_COMMANDS = Object.freeze([
  'ls-remote',
  'fetch',
  'cat-file',
  'archive',
  'other',
] as const);
export type GitCommand = (typeof GIT_COMMANDS)[number];

export type GitOutcome = 'ok' | 'error' | 'timeout';

/** What the git repository cache holds (the direct upstream's running totals). */
export interface GitCacheTotals {
  bytes: number;
  repositories: number;
  /** Repositories evicted since start-up. */
  evictions: number;
}

/**
 * modgate_git_commands_total{command,outcome} and modgate_git_command_duration_seconds{command},
 * one observation per git process the direct upstream ran.
 */
export class GitMetrics {
  private readonly commands: Counter<'command' | 'outcome'>;
  private readonly durations: Histogram<'command'>;

  constructor(private readonly registry: Registry) {
    this.commands = new Counter({
      name: 'modgate_git_commands_total',
      help: 'git commands run by the direct upstream, by command and outcome.',
      labelNames: ['command', 'outcome'],
      registers: [registry],
    });
    this.durations = new Histogram({
      name: 'modgate_git_command_duration_seconds',
      help: 'Duration of git commands run by the direct upstream (long-running cat-file --batch processes excluded).',
      labelNames: ['command'],
      buckets: [...OPERATION_BUCKETS],
      registers: [registry],
    });
  }

  /** One git process ended; `seconds` undefined: not a command latency (a long-running batch). */
  command(command: GitCommand, outcome: GitOutcome, seconds: number | undefined): void {
    this.commands.inc({ command, outcome });
    if (seconds !== undefined) this.durations.observe({ command }, seconds);
  }

  /** Serves the git cache gauges and evictions from `read`, at scrape time. */
  cache(read: () => GitCacheTotals): void {
    const registers = [this.registry];
    const bytes: Gauge = new Gauge({
      name: 'modgate_git_cache_bytes',
      help: 'Bytes on disk of the cached git repositories (as last measured).',
      registers,
      collect: () => bytes.set(read().bytes),
    });
    const repositories: Gauge = new Gauge({
      name: 'modgate_git_cache_repositories',
      help: 'git repositories in the cache.',
      registers,
      collect: () => repositories.set(read().repositories),
    });
    const evictions: Counter = new Counter({
      name: 'modgate_git_cache_evictions_total',
      help: 'git repositories evicted from the cache (size or age bound).',
      registers,
      collect: () => {
        evictions.reset();
        evictions.inc(read().evictions);
      },
    });
  }
}
