import type { Logger } from 'pino';

/**
 * A warning about an event that can come in floods (connections refused under attack): at
 * most one line per `intervalMs`, each saying how many events it stands for, so the log
 * stays readable and its volume stays flat however hard the events come.
 *
 * The first event is written at once (with `count` 1). Events in the following interval are
 * only counted; when the interval ends, one line reports them (with the fields of the latest)
 * and a new interval starts. An interval without events ends the quiet period: the next
 * event is written at once again. `close` writes what is still counted and stops the timer.
 */
export class RateLimitedWarning {
  private counted = 0;
  private latest: Record<string, unknown> = {};
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly message: string,
    /** The member holding the number of events a line stands for, e.g. `refused`. */
    private readonly countKey: string,
    private readonly intervalMs = 10_000,
  ) {}

  /** One event; `fields` describe it (e.g. the client address). */
  note(fields: Record<string, unknown>): void {
    if (this.timer === undefined) {
      this.write(fields, 1);
      this.startInterval();
      return;
    }
    this.counted++;
    this.latest = fields;
  }

  /** Writes the events counted but not reported yet, and stops. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.report();
  }

  private startInterval(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.counted > 0) {
        this.report();
        this.startInterval();
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  private report(): void {
    if (this.counted === 0) return;
    this.write(this.latest, this.counted);
    this.counted = 0;
    this.latest = {};
  }

  private write(fields: Record<string, unknown>, count: number): void {
    this.logger.warn({ ...fields, [this.countKey]: count }, this.message);
  }
}
