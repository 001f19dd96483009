/** Where log lines finally go: a stream, or pino's destination interface. */
export interface LineDestination {
  write(chunk: string): unknown;
}

/** Batched lines are written at the latest when this many characters are waiting. */
const MAX_PENDING_CHARS = 64 * 1024;

/** Sinks holding lines not written yet; flushed when the process exits. */
const withPending = new Set<LineSink>();
let exitHookInstalled = false;

/**
 * The one writer in front of a log destination. Lines come two ways:
 * - `write`: written at once (pino's own lines: start-up, warnings, errors), after whatever
 *   is batched, so the output keeps the order in which lines were produced;
 * - `append`: batched (access lines, one per request) and written once per event-loop turn,
 *   or as soon as 64 KiB are waiting: one write call for many requests instead of one each.
 *
 * Batched lines are never lost on a normal exit: `flush` writes them now, and a process
 * `exit` hook flushes every sink that still holds some (process.exit included; a crash by
 * signal loses at most one turn's lines).
 */
export class LineSink {
  private pending = '';
  private scheduled = false;

  constructor(private readonly destination: LineDestination) {}

  /** Writes a line now (after any batched ones). The pino destination interface. */
  write(line: string): void {
    if (this.pending !== '') this.flush();
    this.destination.write(line);
  }

  /** Queues a line (with its newline) for the end of this event-loop turn. */
  append(line: string): void {
    this.pending += line;
    if (this.pending.length >= MAX_PENDING_CHARS) {
      this.flush();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      withPending.add(this);
      installExitHook();
      setImmediate(flushScheduled, this);
    }
  }

  /**
   * Writes every batched line now. The callback (pino's `logger.flush(cb)` passes one) is
   * called once they are handed to the destination.
   */
  flush(done?: (err?: Error) => void): void {
    this.scheduled = false;
    withPending.delete(this);
    if (this.pending !== '') {
      const text = this.pending;
      this.pending = '';
      this.destination.write(text);
    }
    done?.();
  }
}

function flushScheduled(sink: LineSink): void {
  sink.flush();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const sink of [...withPending]) sink.flush();
  });
}
