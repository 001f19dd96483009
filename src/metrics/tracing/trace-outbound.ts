import type { Readable } from 'node:stream';
import {
  SpanKind,
  SpanStatusCode,
  defaultTextMapSetter,
  type Attributes,
} from '@opentelemetry/api';
import { activeTracing, startChildSpan } from './active-tracing.js';
import { carriedTrace } from './carried-trace.js';
import { endFailed } from './in-span.js';

/** What traceOutbound needs of an outbound request's options: its headers. */
export interface OutboundOptions {
  headers?: Record<string, string> | undefined;
}

/** What it needs of the response: the status, and the body whose end ends the span. */
export interface OutboundResponse {
  status: number;
  body: Readable;
}

/**
 * One outbound HTTP exchange (redirects included) to an upstream proxy or a checksum
 * database, in a client span from the request until its body is over, with the W3C
 * `traceparent` (and `tracestate`) of that span sent along, so that a traced upstream links
 * its work to this request. With tracing off it is a plain call of `send(opts)`, with the
 * client's own `traceparent` and `tracestate` added when its request carried them
 * (carried-trace.ts).
 *
 * The span's URL is scheme, host and path: no user information, no query.
 */
export function traceOutbound<O extends OutboundOptions, R extends OutboundResponse>(
  url: URL,
  opts: O,
  send: (opts: O) => Promise<R>,
): Promise<R> {
  const t = activeTracing();
  if (t === undefined) {
    const carried = carriedTrace();
    if (carried === undefined) return send(opts);
    return send({ ...opts, headers: { ...opts.headers, ...carried } });
  }
  const attributes: Attributes = {
    'http.request.method': 'GET',
    'url.full': `${url.protocol}//${url.host}${url.pathname}`,
    'server.address': url.hostname,
  };
  if (url.port !== '') attributes['server.port'] = Number(url.port);
  const { span, context } = startChildSpan(t, 'GET', { kind: SpanKind.CLIENT, attributes });
  const headers: Record<string, string> = { ...opts.headers };
  t.propagator.inject(context, headers, defaultTextMapSetter);
  let sent: Promise<R>;
  try {
    sent = t.contexts.with(context, () => send({ ...opts, headers }));
  } catch (err) {
    endFailed(span, err);
    throw err;
  }
  return sent.then(
    (res) => {
      span.setAttribute('http.response.status_code', res.status);
      // A 404 or 410 is an answer (the chain's `,` moves on); a 5xx is the upstream failing.
      if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (res.body.destroyed) span.end();
      else res.body.once('close', () => span.end());
      return res;
    },
    (err: unknown) => {
      endFailed(span, err);
      throw err;
    },
  );
}
