import { isSpanContextValid, trace } from '@opentelemetry/api';
import { activeTracing } from './active-tracing.js';

/**
 * The log mixin while tracing is on: `trace_id` and `span_id` of the active span, in every
 * log line written while a request's span (or one of its children) is active; nothing
 * outside one. App installs it on the logger only when tracing is on. A fresh object each
 * time: pino merges the line's own fields into it.
 */
export function traceLogFields(): Record<string, string> {
  const t = activeTracing();
  if (t === undefined) return {};
  const span = trace.getSpan(t.contexts.active());
  if (span === undefined) return {};
  const ids = span.spanContext();
  if (!isSpanContextValid(ids)) return {}; // under an unsampled request (suppressed)
  return { trace_id: ids.traceId, span_id: ids.spanId };
}
