import { SpanKind } from '@opentelemetry/api';
import { activeTracing } from './active-tracing.js';

/**
 * Records the service's answer-cache lookup (a synchronous map lookup) as a span of the
 * request, with `modgate.answer_cache` hit or miss, and returns what the lookup found. On the
 * hot path of every cached hit: with tracing off it is this one check and nothing else.
 */
export function traceAnswerCacheLookup<T>(found: T | undefined): T | undefined {
  const t = activeTracing();
  if (t === undefined) return found;
  t.tracer
    .startSpan(
      'answer-cache lookup',
      {
        kind: SpanKind.INTERNAL,
        attributes: { 'modgate.answer_cache': found === undefined ? 'miss' : 'hit' },
      },
      t.contexts.active(),
    )
    .end();
  return found;
}
