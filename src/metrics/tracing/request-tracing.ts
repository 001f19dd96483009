import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  trace,
  type Span,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { ROOT_CONTEXT, activeTracing } from './active-tracing.js';
import { ROUTES, requestRoute } from '../request-route.js';
import { carriedTraceOf, withCarriedTrace } from './carried-trace.js';

/** What the end of a request tells its span, and where the span's ids go (its access line). */
export interface EndedRequest {
  reqId: string;
  status: number;
  cache: number | string | readonly string[] | undefined;
  traceId?: string;
  spanId?: string;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** The context of a request whose new trace was not sampled. */
const UNSAMPLED = suppressTracing(ROOT_CONTEXT);

/**
 * The server span of each request, for the HTTP front (http/proxy-server.ts):
 * - `wrap(listener)` starts it when the request arrives — a child of the client's W3C
 *   `traceparent` when that is present and valid (the client's sampling decision kept), else
 *   the root of a new trace — and runs the listener inside it, so that everything the request
 *   causes (cache, storage, upstream attempts, checksum lookups, git, log lines) is its child;
 * - `end(req, finished)` ends it with the status and cache result the access line reports,
 *   and writes its trace and span ids into that line.
 *
 * With tracing off, `wrap` only passes a client's valid `traceparent` on (carried-trace.ts).
 *
 * Named `GET <route kind>` (`GET zip`, `HEAD info`, `GET sumdb`): module paths are in
 * `url.path` only, never in the name.
 */
export class RequestTracing {
  private readonly spans = new WeakMap<IncomingMessage, Span>();

  /** `sampleRatio`: the share of new traces recorded (tracing.sample_ratio). */
  constructor(private readonly sampleRatio = 1) {}

  wrap(listener: Listener): Listener {
    return (req, res) => {
      const t = activeTracing();
      if (t === undefined) {
        // Off: a client's trace context is passed on to the upstreams unchanged.
        const carried = carriedTraceOf(req);
        if (carried === undefined) return listener(req, res);
        return withCarriedTrace(carried, listener, req, res);
      }
      const parent = t.propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
      if (trace.getSpanContext(parent) === undefined && !(Math.random() < this.sampleRatio)) {
        // A new trace not sampled: no span at all, and none below it (suppressed), so no
        // traceparent goes upstream and no ids into its log lines.
        return t.contexts.with(UNSAMPLED, listener, undefined, req, res);
      }
      const target = req.url ?? '/';
      const q = target.indexOf('?');
      const path = q >= 0 ? target.slice(0, q) : target;
      const method = req.method ?? 'GET';
      const kind = ROUTES[requestRoute(path)];
      const span = t.tracer.startSpan(
        `${method} ${kind}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': method, 'url.path': path, 'http.route': kind },
        },
        parent,
      );
      this.spans.set(req, span);
      t.contexts.with(trace.setSpan(parent, span), listener, undefined, req, res);
    };
  }

  end(req: IncomingMessage, finished: EndedRequest): void {
    if (activeTracing() === undefined) return;
    const span = this.spans.get(req);
    if (span === undefined) return;
    this.spans.delete(req);
    span.setAttribute('http.response.status_code', finished.status);
    span.setAttribute('modgate.request_id', finished.reqId);
    if (typeof finished.cache === 'string') span.setAttribute('modgate.cache', finished.cache);
    if (finished.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    const ids = span.spanContext();
    finished.traceId = ids.traceId;
    finished.spanId = ids.spanId;
  }
}
