import { SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { ModgateError, errorKind } from '../../errors/index.js';
import { activeTracing, startChildSpan } from './active-tracing.js';

/**
 * Runs `fn` inside a child span of the active one, ending it when the promise settles (a
 * failure sets the span's status, except "not found" and "gone": those are answers, the `,`
 * fall-through of a chain). With tracing off it is a plain call of `fn`.
 *
 * A ModgateError's message goes into the span as it is (modgate's messages never hold
 * credentials: upstream/secret-redactor.ts); of any other error only its name, since a
 * foreign message is not known to be clean.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  const t = activeTracing();
  if (t === undefined) return fn();
  const { span, context } = startChildSpan(t, name, { kind, attributes });
  let pending: Promise<T>;
  try {
    pending = t.contexts.with(context, fn);
  } catch (err) {
    endFailed(span, err);
    throw err;
  }
  return pending.then(
    (value) => {
      span.end();
      return value;
    },
    (err: unknown) => {
      endFailed(span, err);
      throw err;
    },
  );
}

/** Ends a span whose work failed with `err`. */
export function endFailed(span: Span, err: unknown): void {
  const kind = errorKind(err);
  span.setAttribute('error.type', kind);
  if (kind !== 'not-found' && kind !== 'gone') {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message:
        err instanceof ModgateError ? err.message : err instanceof Error ? err.name : 'error',
    });
  }
  span.end();
}
