import type { Logger } from 'pino';
import type { LineSink } from './line-sink.js';

/** What one access-log line says about a finished (or abandoned) request. */
export interface AccessEntry {
  reqId: string;
  method: string | undefined;
  /** The raw request target, query included. */
  path: string | undefined;
  status: number;
  /** The Content-Length sent, if any. */
  bytes: number | string | readonly string[] | undefined;
  /** The X-Modgate-Cache value sent, if any. */
  cache: number | string | readonly string[] | undefined;
  ms: number;
  /** Whether the whole response was handed to the operating system. */
  complete: boolean;
  /** The client address (X-Forwarded-For honoured from trusted proxies only), if known. */
  client?: string | undefined;
  /** The authenticated user (issue 14); undefined: anonymous. */
  user?: string | undefined;
  /** The request's trace and span ids while tracing is on (`trace_id`, `span_id` in the line). */
  traceId?: string | undefined;
  spanId?: string | undefined;
  /** What is kept with the request target, when whoever read the request keeps it (TargetMemo). */
  targetMemo?: TargetMemo | undefined;
}

/**
 * What the consumers of finished requests keep with a request target, when whoever read the
 * request keeps the target across requests (the fast path's target slot,
 * http/fast-path/target-table.ts): a request then costs them an addition and a field read
 * instead of a map lookup by target and a parse of its shape. `target` is the request's target
 * (AccessEntry.path); `counted` belongs to the one activity log fed by the server that keeps the
 * target (0 until it counts a request); `route` is the request metrics' route of the target
 * (metrics/request-route.ts; -1 until worked out), a function of the target alone.
 */
export interface TargetMemo {
  readonly target: string;
  counted: number;
  route: number;
}

/** One line per request, at level info, with the message `request`. */
export interface AccessLog {
  write(entry: AccessEntry): void;
  /** Writes batched lines now (before a shutdown completes). */
  flush(): void;
}

/** How a JSON logger made by createLogger writes its lines; see accessLogFor. */
export interface JsonLineFormat {
  sink: LineSink;
  /** The logger's bindings as JSON members, e.g. `"service":"modgate"` (may be empty). */
  bindings: string;
}

const jsonLoggers = new WeakMap<Logger, JsonLineFormat>();

/** Called by createLogger for the JSON loggers it makes (not for pretty ones). */
export function registerJsonLogger(logger: Logger, format: JsonLineFormat): void {
  jsonLoggers.set(logger, format);
}

/**
 * The access log of a logger. For a JSON logger made by createLogger, lines are formatted by
 * hand and batched (see LineSink): access lines are the one log event per request, and pino's
 * general path (object building, redaction, serialization, a write per line) cost more than
 * serving a cached file. The line is the one pino would write for
 * `logger.info({ reqId, method, path, status, bytes, cache, ms, complete, client, user, trace_id,
 * span_id }, 'request')` —
 * same members, same order, undefined ones left out (test/log/access-log.test.ts compares
 * them). Any other logger (pretty output, child loggers) gets exactly that call.
 */
export function accessLogFor(logger: Logger): AccessLog {
  const format = jsonLoggers.get(logger);
  return format === undefined ? new PinoAccessLog(logger) : new JsonAccessLog(logger, format);
}

class PinoAccessLog implements AccessLog {
  constructor(private readonly logger: Logger) {}

  write(e: AccessEntry): void {
    this.logger.info(
      {
        reqId: e.reqId,
        method: e.method,
        path: e.path,
        status: e.status,
        bytes: e.bytes,
        cache: e.cache,
        ms: e.ms,
        complete: e.complete,
        client: e.client,
        user: e.user,
        trace_id: e.traceId,
        span_id: e.spanId,
      },
      'request',
    );
  }

  flush(): void {
    this.logger.flush();
  }
}

class JsonAccessLog implements AccessLog {
  private readonly head: string;
  private readonly bindings: string;
  private lastMs = -1;
  private lastTime = '';

  constructor(
    private readonly logger: Logger,
    private readonly format: JsonLineFormat,
  ) {
    this.head = `{"level":${logger.levels.values.info ?? 30},"time":"`;
    this.bindings = format.bindings === '' ? '' : `,${format.bindings}`;
  }

  write(e: AccessEntry): void {
    if (!this.logger.isLevelEnabled('info')) return;
    // pino's isoTime, computed once per millisecond.
    const now = Date.now();
    if (now !== this.lastMs) {
      this.lastMs = now;
      this.lastTime = new Date(now).toISOString();
    }
    let line =
      this.head + this.lastTime + '"' + this.bindings + ',"reqId":' + JSON.stringify(e.reqId);
    if (e.method !== undefined) line += ',"method":' + JSON.stringify(e.method);
    if (e.path !== undefined) line += ',"path":' + JSON.stringify(e.path);
    line += ',"status":' + jsonNumber(e.status);
    if (e.bytes !== undefined) line += ',"bytes":' + jsonValue(e.bytes);
    if (e.cache !== undefined) line += ',"cache":' + jsonValue(e.cache);
    line += ',"ms":' + formatMs(e.ms) + ',"complete":' + String(e.complete);
    if (e.client !== undefined) line += ',"client":' + JSON.stringify(e.client);
    if (e.user !== undefined) line += ',"user":' + JSON.stringify(e.user);
    if (e.traceId !== undefined)
      line += ',"trace_id":"' + e.traceId + '","span_id":"' + e.spanId + '"';
    line += ',"msg":"request"}\n';
    this.format.sink.append(line);
  }

  flush(): void {
    this.format.sink.flush();
  }
}

/** As pino writes numbers: non-finite ones become null. */
function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/**
 * `String(ms)` for a duration rounded to hundredths (what the server logs), from integers:
 * number-to-string of a fraction is a large share of a line's cost. Anything else (more
 * digits, negative, huge, NaN) takes the general path.
 */
export function formatMs(ms: number): string {
  const c = Math.round(ms * 100);
  if (!(c >= 0 && c <= 1e12 && c / 100 === ms)) return jsonNumber(ms);
  const whole = Math.floor(c / 100);
  const frac = c - whole * 100;
  if (frac === 0) return String(whole);
  if (frac % 10 === 0) return `${whole}.${frac / 10}`;
  return `${whole}${frac < 10 ? '.0' : '.'}${frac}`;
}

function jsonValue(v: number | string | readonly string[]): string {
  return typeof v === 'number' ? jsonNumber(v) : JSON.stringify(v);
}
