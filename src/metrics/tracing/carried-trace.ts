import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import { parseTraceParent } from '@opentelemetry/core';

/** A client's W3C trace context, as it sent it. */
export interface CarriedTrace {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/**
 * With tracing off, a client's `traceparent` (and `tracestate`) is still passed on, unchanged,
 * to the upstream proxies and checksum databases its request reaches (docs/configuration.md,
 * `tracing.otlp_endpoint`), so a traced client and a traced upstream stay one trace across an
 * untraced modgate. Only requests that carry a valid `traceparent` pay for it (this store is
 * entered for them alone; the go command sends none); the fast path hands such requests to
 * node:http. Measured on the cached mixed load with the store's async hooks enabled
 * process-wide: no change in CPU per request (bench, issue 11 note).
 */
const carried = new AsyncLocalStorage<CarriedTrace>();

/** The trace context `req` carries, if its `traceparent` is valid; else undefined. */
export function carriedTraceOf(req: IncomingMessage): CarriedTrace | undefined {
  const traceparent = req.headers.traceparent;
  if (typeof traceparent !== 'string' || parseTraceParent(traceparent) === null) return undefined;
  const tracestate = req.headers.tracestate;
  return typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent };
}

/** Runs `fn` with `trace` as the context its outbound requests pass on. */
export function withCarriedTrace<A extends unknown[]>(
  trace: CarriedTrace,
  fn: (...args: A) => void,
  ...args: A
): void {
  carried.run(trace, fn, ...args);
}

/** The trace context of the request being served (tracing off), if it carried one. */
export function carriedTrace(): CarriedTrace | undefined {
  return carried.getStore();
}
