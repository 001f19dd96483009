import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/**
 * How often the event-loop delay is sampled (ms). prom-client's default, 10 ms, arms a
 * 10 ms timer for the life of the process: 100 wake-ups a second that do nothing else. A
 * wake-up of an otherwise idle event loop costs ~45 µs of CPU (measured: an idle modgate
 * used 5 ms of CPU a second with it, under 1 ms at 100 ms; bench/experiments/README-stalls.md),
 * and at 2,000 requests/s each is one more wake-up between requests, ~3 % of the CPU per
 * request. 20 samples a second are still 300 per 15 s scrape; a stall is seen when it covers a
 * sample's due time, so stalls of 50 ms or more are always seen, shorter ones in proportion.
 */
export const LOOP_DELAY_SAMPLE_MS = 50;

/**
 * prom-client's own event-loop delay histogram is sampled this rarely (about 24 days: the
 * longest a timer takes), so that it wakes the process never: prom-client cannot be told not
 * to make it, and its gauges are replaced by registerEventLoopDelay's.
 */
export const DEFAULT_METRICS_LOOP_PRECISION_MS = 2 ** 31 - 1;

/** The histogram gauges, by their name after the prefix, and the statistic each reports. */
const GAUGES = [
  ['nodejs_eventloop_lag_min_seconds', 'The minimum recorded event loop delay.', 'min'],
  ['nodejs_eventloop_lag_max_seconds', 'The maximum recorded event loop delay.', 'max'],
  ['nodejs_eventloop_lag_mean_seconds', 'The mean of the recorded event loop delays.', 'mean'],
  [
    'nodejs_eventloop_lag_stddev_seconds',
    'The standard deviation of the recorded event loop delays.',
    'stddev',
  ],
  [
    'nodejs_eventloop_lag_p50_seconds',
    'The 50th percentile of the recorded event loop delays.',
    50,
  ],
  [
    'nodejs_eventloop_lag_p90_seconds',
    'The 90th percentile of the recorded event loop delays.',
    90,
  ],
  [
    'nodejs_eventloop_lag_p99_seconds',
    'The 99th percentile of the recorded event loop delays.',
    99,
  ],
] as const;

/**
 * Replaces the event-loop delay gauges prom-client's default metrics put on `registry` (their
 * names with `prefix`) by the same gauges sampled every LOOP_DELAY_SAMPLE_MS. Each sample is
 * how late the sampling timer ran (its interval minus LOOP_DELAY_SAMPLE_MS, never below 0):
 * the delay itself, where prom-client reports the whole interval (so its values never went
 * below its 10 ms). Like prom-client's, the statistics cover the time since the last scrape
 * (the histogram is reset at each). `modgate_nodejs_eventloop_lag_seconds` (measured at the
 * scrape) stays prom-client's. Call once per process: the monitor is never disabled.
 */
export function registerEventLoopDelay(registry: Registry, prefix: string): void {
  const histogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_SAMPLE_MS });
  histogram.enable();
  const sampleNs = LOOP_DELAY_SAMPLE_MS * 1e6;
  /** Seconds of delay for a sampled interval in ns. */
  const delay = (intervalNs: number): number => Math.max(0, intervalNs - sampleNs) / 1e9;
  const gauges: Gauge[] = [];
  const collectAll = (): void => {
    const empty = histogram.count === 0;
    GAUGES.forEach(([, , stat], i) => {
      const gauge = gauges[i] as Gauge;
      if (empty) gauge.set(0);
      else if (stat === 'stddev') gauge.set(histogram.stddev / 1e9);
      else if (typeof stat === 'number') gauge.set(delay(histogram.percentile(stat)));
      else gauge.set(delay(histogram[stat]));
    });
    histogram.reset();
  };
  GAUGES.forEach(([name, help], i) => {
    registry.removeSingleMetric(prefix + name);
    gauges.push(
      new Gauge({
        name: prefix + name,
        help,
        registers: [registry],
        // The first gauge's collect sets all of them from one reading, then resets.
        ...(i === 0 ? { collect: collectAll } : {}),
      }),
    );
  });
}
