import { createRequire } from 'node:module';
import { pino, type Logger, type DestinationStream } from 'pino';
import type PinoPretty from 'pino-pretty';
import { registerJsonLogger } from './access-log.js';
import { LineSink } from './line-sink.js';
import { surviveLogWriteFailures } from './log-write-failures.js';

export type { Logger };

/**
 * What the process logger needs to know (the configuration's `log` section has these fields;
 * log takes them as plain options so that it depends on nothing above it).
 */
export interface LoggerOptions {
  readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** `auto`: pretty on a terminal, JSON lines otherwise. */
  readonly format: 'auto' | 'json' | 'pretty';
}

/** Header and field paths that may hold secrets; pino replaces their values. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'password',
  'token',
  '*.password',
  '*.token',
];

/** Members of every line. */
const BASE = { service: 'modgate' };

/**
 * The process logger: JSON lines (one object per event, with `reqId` on request events) when
 * the output is not a terminal or `format: json`; human-friendly lines on a terminal or with
 * `format: pretty` (pino-pretty as a synchronous stream: no worker thread).
 *
 * JSON output goes through a LineSink, which the access log (accessLogFor) shares to batch
 * its lines; pino's own lines are written at once, in order with the batched ones.
 */
export function createLogger(
  options: LoggerOptions,
  stream: DestinationStream | NodeJS.WritableStream = process.stdout,
): Logger {
  // A log that cannot be written (full disk, closed pipe) loses lines, not the process.
  if (stream === process.stdout) surviveLogWriteFailures(process.stdout);
  else if (stream === process.stderr) surviveLogWriteFailures(process.stderr);
  const wantPretty =
    options.format === 'pretty' ||
    (options.format === 'auto' && 'isTTY' in stream && stream.isTTY === true);
  const base = {
    level: options.level,
    base: BASE,
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (wantPretty) {
    // Loaded only here: a server's output is JSON lines (not a terminal), and pino-pretty and
    // its dependencies would otherwise stay in every process's heap, which each major GC walks.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    return pino(
      base,
      pretty({
        destination: stream as NodeJS.WritableStream,
        sync: true,
        colorize: 'isTTY' in stream && stream.isTTY === true,
        ignore: 'pid,hostname,service',
        translateTime: 'SYS:HH:MM:ss.l',
      }),
    );
  }
  const sink = new LineSink(stream as DestinationStream);
  const logger = pino(base, sink);
  registerJsonLogger(logger, { sink, bindings: JSON.stringify(BASE).slice(1, -1) });
  return logger;
}

/**
 * Installs (or, with undefined, removes) a pino `mixin` on a logger made by createLogger: the
 * fields it returns join every line the logger and its children write from then on (app
 * installs the trace and span ids of the active span while tracing is on). Set after
 * creation because the logger exists before the configuration's other sections are acted
 * on; pino exports the symbol it reads the mixin from (`pino.symbols.mixinSym`).
 */
export function setLogMixin(
  logger: Logger,
  mixin: (() => Record<string, unknown>) | undefined,
): void {
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.mixinSym] = mixin;
}
