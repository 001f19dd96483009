import type { Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * What the instrumentation points need while tracing is on: the tracer, the context manager
 * that carries the active span through callbacks and promises (AsyncLocalStorage), and the
 * W3C trace-context propagator. Held by this module, not registered with OpenTelemetry's
 * process-wide API: nothing else in the process is instrumented, and tests start and stop
 * several servers in one process.
 */
export interface ActiveTracing {
  readonly tracer: Tracer;
  readonly contexts: AsyncLocalStorageContextManager;
  readonly propagator: W3CTraceContextPropagator;
}

/**
 * The process's tracing, set by startTracing and cleared by its shutdown. One per process:
 * a server with tracing on owns it (a second one is refused at start-up).
 *
 * The contract of every instrumentation point: when this is undefined (tracing off, the
 * default) it does nothing but this one check — no span objects, no context manager work —
 * and calls straight through.
 */
let active: ActiveTracing | undefined;

export function activeTracing(): ActiveTracing | undefined {
  return active;
}

/** For startTracing and its shutdown only. */
export function setActiveTracing(tracing: ActiveTracing | undefined): void {
  active = tracing;
}

/** Starts a span as a child of the active one (a root when none is active). */
export function startChildSpan(
  t: ActiveTracing,
  name: string,
  options: SpanOptions,
): { span: Span; context: Context } {
  const parent = t.contexts.active();
  const span = t.tracer.startSpan(name, options, parent);
  return { span, context: trace.setSpan(parent, span) };
}

export { ROOT_CONTEXT };
