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

/**
 * What is passed on: a version-00 `traceparent` exactly (the version this code knows; later
 * versions may append fields, which are not passed on blind) and a `tracestate` of printable
 * ASCII of at most 512 characters (the length W3C Trace Context asks every vendor to pass
 * on). A header the upstream's HTTP stack could refuse would fail the fetch, which other
 * requests may share (coalescing): nothing else gets through.
 */
const TRACEPARENT_00 = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

/** The trace context `req` carries, if its `traceparent` is valid; else undefined. */
export function carriedTraceOf(req: IncomingMessage): CarriedTrace | undefined {
  const traceparent = req.headers.traceparent;
  if (typeof traceparent !== 'string' || !TRACEPARENT_00.test(traceparent)) return undefined;
  if (parseTraceParent(traceparent) === null) return undefined; // e.g. an all-zero id
  const tracestate = req.headers.tracestate;
  return typeof tracestate === 'string' && TRACESTATE.test(tracestate)
    ? { traceparent, tracestate }
    : { traceparent };
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
