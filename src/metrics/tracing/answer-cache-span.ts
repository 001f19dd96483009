import { SpanKind, trace } from '@opentelemetry/api';
import { activeTracing } from './active-tracing.js';

/**
 * Records the service's answer-cache lookup (a synchronous map lookup) as a span of the
 * request, with `modgate.answer_cache` hit or miss, and returns what the lookup found. On the
 * hot path of every cached hit: with tracing off it is this one check and nothing else; in a
 * request whose trace is not sampled it makes no span either (it would not be recorded).
 */
export function traceAnswerCacheLookup<T>(found: T | undefined): T | undefined {
  const t = activeTracing();
  if (t === undefined) return found;
  const context = t.contexts.active();
  if (trace.getSpan(context)?.isRecording() !== true) return found;
  t.tracer
    .startSpan(
      'answer-cache lookup',
      {
        kind: SpanKind.INTERNAL,
        attributes: { 'modgate.answer_cache': found === undefined ? 'miss' : 'hit' },
      },
      context,
    )
    .end();
  return found;
}
