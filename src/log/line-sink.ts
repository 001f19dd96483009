import { fstatSync, writeSync } from 'node:fs';

/** Where log lines finally go: a stream, or pino's destination interface. */
export interface LineDestination {
  write(chunk: string | Uint8Array): unknown;
}

/** Batched lines are written at the latest when this many characters are waiting. */
const MAX_PENDING_CHARS = 64 * 1024;

/**
 * Bytes a batch is encoded into before it is written to a file (allocated once per sink, on its
 * first write): room for a full batch at 3 bytes per character. A longer text is encoded apart.
 */
const ENCODE_BYTES = 3 * MAX_PENDING_CHARS + 16 * 1024;

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
 *
 * When the destination is the process's stdout or stderr and that is a regular file (output
 * redirected to a file: Node writes those synchronously, through fs.SyncWriteStream), the
 * sink writes to the file descriptor itself, from one buffer it keeps: the stream would make a
 * new Buffer of every batch (up to 64 KiB, several thousand a second under load), freed only
 * when the garbage collector gets to it, and the C heap those come from kept ~8–10 MB more
 * resident than the same server without an access log. The bytes and their order are the
 * same, and so is a failed write: from then on the stream writes, and fails its own way.
 */
export class LineSink {
  private pending = '';
  private scheduled = false;
  /** The file descriptor written directly (see above), or undefined: the destination's write. */
  private fileFd: number | undefined;
  private encoded: Buffer | undefined;

  constructor(private readonly destination: LineDestination) {
    this.fileFd = stdioFileFd(destination);
  }

  /** Writes a line now (after any batched ones). The pino destination interface. */
  write(line: string): void {
    if (this.pending !== '') this.flush();
    this.writeOut(line);
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
      this.writeOut(text);
    }
    done?.();
  }

  private writeOut(text: string): void {
    const fd = this.fileFd;
    if (fd === undefined) {
      this.destination.write(text);
      return;
    }
    let bytes: Buffer;
    let length: number;
    if (text.length * 3 <= ENCODE_BYTES) {
      bytes = this.encoded ??= Buffer.allocUnsafeSlow(ENCODE_BYTES);
      length = bytes.write(text, 0, 'utf8');
    } else {
      bytes = Buffer.from(text, 'utf8');
      length = bytes.length;
    }
    let at = 0;
    try {
      while (at < length) at += writeSync(fd, bytes, at, length - at);
    } catch {
      // From a failed write on, the stream writes (the rest of this batch first), so that a
      // failure is what it was without this shortcut: the stream's own handling, its 'error'
      // event after the call returns (which createLogger handles: log-write-failures.ts).
      this.fileFd = undefined;
      this.destination.write(Buffer.from(bytes.subarray(at, length)));
    }
  }
}

/** The descriptor of stdout or stderr when `destination` is one of them and it is a file. */
function stdioFileFd(destination: LineDestination): number | undefined {
  if (destination !== process.stdout && destination !== process.stderr) return undefined;
  const fd = (destination as { fd?: unknown }).fd;
  if (typeof fd !== 'number') return undefined;
  try {
    return fstatSync(fd).isFile() ? fd : undefined;
  } catch {
    return undefined;
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
