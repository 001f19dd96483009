import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  W3CTraceContextPropagator,
  loggingErrorHandler,
  setGlobalErrorHandler,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ModgateError } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { RateLimitedWarning } from '../../log/rate-limited-warning.js';
import { redactUrl } from '../../protocol/redact-url.js';
import { activeTracing, setActiveTracing } from './active-tracing.js';
import { RequestSampler } from './request-sampler.js';
import { RequestTracing } from './request-tracing.js';

/** The configuration's `tracing` section, as plain options (metrics does not read config). */
export interface TracingOptions {
  /** OTLP/HTTP traces URL, e.g. http://127.0.0.1:4318/v1/traces; '' = tracing off. */
  readonly otlpEndpoint: string;
  /** The `service.name` resource attribute. */
  readonly serviceName: string;
  /** The share of new traces (no parent from the client) recorded, 0 to 1. */
  readonly sampleRatio: number;
  /** Replaces the OTLP exporter (tests). */
  readonly exporter?: SpanExporter;
  /** Where failed exports are reported (a warning at most once a minute, with a count). */
  readonly logger?: Logger;
  /**
   * How long one batch may take to export, retries included (the exporter retries refused
   * connections and 429/5xx answers until then); also bounds how long stopping waits for the
   * last spans. Default 10 s.
   */
  readonly exportTimeoutMs?: number;
}

/** Tracing while it is on; see startTracing. */
export interface Tracing {
  /** The server span of each request (http/proxy-server.ts). */
  readonly requests: RequestTracing;
  /** Exports what is buffered and stops: later spans are not made. Called by app's stop. */
  shutdown(): Promise<void>;
}

/**
 * Turns tracing on for this process, or returns undefined when `otlpEndpoint` is '' (off:
 * every instrumentation point then costs one check, see active-tracing.ts).
 *
 * On: a BasicTracerProvider whose spans are batched (BatchSpanProcessor: exported every 5 s
 * or per 512 spans, off the request path) to the OTLP/HTTP exporter, which posts JSON
 * (`application/json`, the OTLP/HTTP JSON encoding) to the endpoint; resource `service.name`;
 * sampled ParentBased — a client's `traceparent` decides for its request, new traces are kept
 * at the ratio (drawn by RequestTracing before any span work; RequestSampler); the active span carried by an
 * AsyncLocalStorage context manager; W3C trace-context propagation in and out.
 *
 * One server per process may trace (the instrumentation points reach it through this
 * module): a second start while one is on is refused.
 */
export function startTracing(options: TracingOptions): Tracing | undefined {
  if (options.otlpEndpoint === '' && options.exporter === undefined) return undefined;
  if (activeTracing() !== undefined) {
    throw new ModgateError(
      'invalid',
      'tracing: another server in this process is already tracing; one per process',
    );
  }
  const timeoutMillis = options.exportTimeoutMs ?? 10_000;
  const exporter =
    options.exporter ?? new OTLPTraceExporter({ url: options.otlpEndpoint, timeoutMillis });
  const processor = new BatchSpanProcessor(exporter, { exportTimeoutMillis: timeoutMillis });
  // The SDK reports failed exports to OpenTelemetry's process-wide error handler, silent by
  // default: an operator whose collector is unreachable must see it in modgate's log.
  const warning =
    options.logger === undefined
      ? undefined
      : new RateLimitedWarning(
          options.logger,
          'tracing: spans could not be exported to tracing.otlp_endpoint',
          'failures',
          60_000,
        );
  const failed = (err: unknown) => warning?.note({ error: describeError(err) });
  setGlobalErrorHandler(failed);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    sampler: new ParentBasedSampler({ root: new RequestSampler(options.sampleRatio) }),
    spanProcessors: [processor],
  });
  const contexts = new AsyncLocalStorageContextManager().enable();
  const tracing = {
    tracer: provider.getTracer('modgate'),
    contexts,
    propagator: new W3CTraceContextPropagator(),
  };
  setActiveTracing(tracing);
  return {
    requests: new RequestTracing(options.sampleRatio),
    async shutdown() {
      if (activeTracing() === tracing) setActiveTracing(undefined);
      try {
        await provider.shutdown();
      } catch (err) {
        failed(err); // the last spans are lost; stopping goes on
      } finally {
        contexts.disable();
        warning?.close();
        setGlobalErrorHandler(loggingErrorHandler());
      }
    },
  };
}

/** An export failure for the log: its message, any URL in it without user information. */
function describeError(err: unknown): string {
  return redactUrl(err instanceof Error ? err.message : String(err));
}
