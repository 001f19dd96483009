import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { accessLogFor, createLogger, setLogMixin } from '../../../src/log/index.js';
import {
  RequestTracing,
  inSpan,
  traceAnswerCacheLookup,
  traceGitCommand,
  traceLogFields,
  traceOutbound,
  type EndedRequest,
  type Tracing,
} from '../../../src/metrics/tracing/index.js';
import { startTracing } from '../../../src/metrics/tracing/start-tracing.js';
import { ModgateError } from '../../../src/errors/index.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

let tracing: Tracing | undefined;
let exporter: Collector;

/** Keeps every exported span (the SDK's InMemorySpanExporter forgets them on shutdown). */
class Collector implements SpanExporter {
  readonly spans: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.spans.push(...spans);
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Tracing on, spans kept in memory (exported at shutdown: the batch processor's flush). */
function on(sampleRatio = 1): Tracing {
  exporter = new Collector();
  tracing = startTracing({ otlpEndpoint: '', serviceName: 'test', sampleRatio, exporter });
  assert.ok(tracing);
  return tracing;
}

/** Stops tracing and returns what was exported. */
async function finished() {
  await tracing?.shutdown();
  tracing = undefined;
  return exporter.spans;
}

afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

/** One request through `wrap` on a real node:http server; resolves with its ended record. */
async function serve(
  requests: RequestTracing,
  headers: Record<string, string>,
  handler: () => Promise<void> = () => Promise.resolve(),
): Promise<EndedRequest> {
  let ended: EndedRequest | undefined;
  const server: Server = createServer(
    requests.wrap((req, res) => {
      res.on('close', () => {
        ended = { reqId: 'r1', status: res.statusCode, cache: 'hit' };
        requests.end(req, ended);
      });
      void handler().then(() => res.end('ok'));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => {
    request(`http://127.0.0.1:${port}/example.com/a/@v/v1.0.0.info?x=1`, { headers }, (res) => {
      res.resume();
      res.on('end', resolve);
    })
      .on('error', reject)
      .end();
  });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  assert.ok(ended);
  return ended;
}

describe('tracing off (the default)', () => {
  test("startTracing with otlp_endpoint '' is off and the hooks call straight through", async () => {
    assert.equal(
      startTracing({ otlpEndpoint: '', serviceName: 'modgate', sampleRatio: 1 }),
      undefined,
    );
    const opts = { headers: { a: 'b' } };
    let seen: unknown;
    const res = { status: 200, body: Readable.from([]) };
    assert.equal(
      await traceOutbound(new URL('http://127.0.0.1/x'), opts, (o) => {
        seen = o;
        return Promise.resolve(res);
      }),
      res,
    );
    assert.equal(seen, opts, 'the same options object: no traceparent added');
    const found = { answer: 1 };
    assert.equal(traceAnswerCacheLookup(found), found);
    assert.equal(await inSpan('x', {}, () => Promise.resolve(7)), 7);
    assert.deepEqual(traceLogFields(), {});
    const wrapped = new RequestTracing();
    const ended: EndedRequest = { reqId: 'r', status: 200, cache: 'hit' };
    wrapped.end({} as IncomingMessage, ended);
    assert.equal(ended.traceId, undefined);
  });

  test("a client's valid traceparent and tracestate are passed on unchanged, nothing else", async () => {
    const requests = new RequestTracing();
    const outbound = async () => {
      const opts = { headers: { accept: '*/*' } };
      let sent: Record<string, string> | undefined;
      await traceOutbound(new URL('http://127.0.0.1/x'), opts, (o) => {
        sent = o === opts ? undefined : o.headers;
        return Promise.resolve({ status: 200, body: Readable.from([]) });
      });
      return sent;
    };
    const traceparent = `00-${TRACE}-${PARENT}-01`;
    let sent: Record<string, string> | undefined;
    const ended = await serve(requests, { traceparent, tracestate: 'vendor=1' }, async () => {
      sent = await outbound();
    });
    assert.deepEqual(sent, { accept: '*/*', traceparent, tracestate: 'vendor=1' });
    assert.equal(ended.traceId, undefined, 'no span, no ids');
    await serve(requests, { traceparent, tracestate: 'v=\u00e9' }, async () => {
      sent = await outbound();
    });
    assert.deepEqual(sent, { accept: '*/*', traceparent }, 'a tracestate that is not ASCII');
    const others: Record<string, string>[] = [
      { traceparent: `00-${TRACE}-zz-01` },
      { traceparent: `cc-${TRACE}-${PARENT}-01-later-fields` },
      { traceparent: `00-${'0'.repeat(32)}-${PARENT}-01` },
      {},
    ];
    for (const headers of others) {
      sent = { marker: 'unchanged' };
      await serve(requests, headers, async () => {
        sent = await outbound();
      });
      assert.equal(sent, undefined, `the same options object for ${JSON.stringify(headers)}`);
    }
  });
});

describe('tracing on', () => {
  test("a request's span: its name, attributes, the client's parent, ids for the access line", async () => {
    const t = on();
    const ended = await serve(t.requests, { traceparent: `00-${TRACE}-${PARENT}-01` }, () =>
      inSpan('child', {}, () => {
        traceAnswerCacheLookup(undefined);
        return Promise.resolve();
      }),
    );
    const spans = await finished();
    const server = spans.find((s) => s.name === 'GET info');
    assert.ok(server, spans.map((s) => s.name).join());
    assert.equal(server.spanContext().traceId, TRACE);
    assert.equal(server.parentSpanContext?.spanId, PARENT);
    assert.equal(server.attributes['url.path'], '/example.com/a/@v/v1.0.0.info');
    assert.equal(server.attributes['http.response.status_code'], 200);
    assert.equal(server.attributes['modgate.cache'], 'hit');
    assert.equal(ended.traceId, TRACE);
    assert.equal(ended.spanId, server.spanContext().spanId);
    const child = spans.find((s) => s.name === 'child');
    assert.equal(child?.parentSpanContext?.spanId, server.spanContext().spanId);
    const lookup = spans.find((s) => s.name === 'answer-cache lookup');
    assert.equal(lookup?.parentSpanContext?.spanId, child?.spanContext().spanId);
    assert.equal(lookup?.attributes['modgate.answer_cache'], 'miss');
  });

  test('sampling: the ratio decides new traces, a client traceparent decides its own', async () => {
    const t = on(0);
    let below: { sent?: Record<string, string>; fields?: Record<string, string> } = {};
    const unsampled = await serve(t.requests, {}, () =>
      inSpan('child', {}, async () => {
        below = { fields: traceLogFields() };
        await traceOutbound(new URL('http://127.0.0.1/x'), { headers: {} }, (o) => {
          below.sent = o.headers;
          return Promise.resolve({ status: 200, body: Readable.from([]) });
        });
      }),
    );
    const sampled = await serve(t.requests, { traceparent: `00-${TRACE}-${PARENT}-01` });
    const notSampled = await serve(t.requests, { traceparent: `00-${TRACE}-${PARENT}-00` });
    const spans = await finished();
    assert.deepEqual(
      spans.map((s) => s.spanContext().spanId),
      [sampled.spanId],
    );
    assert.equal(unsampled.traceId, undefined, 'an unsampled new trace: no span, no ids');
    assert.deepEqual(below, { fields: {}, sent: {} }, 'nor below it, nor a traceparent upstream');
    assert.equal(notSampled.traceId, TRACE);
  });

  test('an outbound exchange: a client span, its traceparent sent, ended with the body', async () => {
    const t = on();
    let sent: Record<string, string> | undefined;
    const body = new PassThrough();
    await serve(t.requests, {}, async () => {
      const res = await traceOutbound(
        new URL('http://user:secret@127.0.0.1:8080/example.com/a/@v/list?token=x'),
        { headers: { accept: '*/*' } },
        (o) => {
          sent = o.headers;
          return Promise.resolve({ status: 404, body });
        },
      );
      assert.equal(res.status, 404);
      body.destroy();
      await new Promise((resolve) => body.once('close', resolve));
    });
    const spans = await finished();
    const client = spans.find((s) => s.kind === SpanKind.CLIENT);
    assert.ok(client);
    assert.equal(client.attributes['url.full'], 'http://127.0.0.1:8080/example.com/a/@v/list');
    assert.equal(client.attributes['http.response.status_code'], 404);
    assert.equal(client.status.code, 0, 'a 404 is an answer, not an error');
    assert.equal(sent?.accept, '*/*');
    const { traceId, spanId } = client.spanContext();
    assert.equal(sent?.traceparent, `00-${traceId}-${spanId}-01`);
  });

  test('inSpan marks failures, but not "not found"', async () => {
    on();
    await assert.rejects(
      inSpan('a', {}, () => Promise.reject(new ModgateError('upstream', 'bad gateway'))),
    );
    await assert.rejects(
      inSpan('b', {}, () => Promise.reject(new ModgateError('not-found', 'no'))),
    );
    const spans = await finished();
    const a = spans.find((s) => s.name === 'a');
    const b = spans.find((s) => s.name === 'b');
    assert.deepEqual(a?.status, { code: 2, message: 'bad gateway' });
    assert.equal(b?.status.code, 0);
    assert.equal(b?.attributes['error.type'], 'not-found');
  });

  test('a git command is a span with its own times, a child of the active span', async () => {
    on();
    await inSpan('upstream zip', {}, () => {
      traceGitCommand({
        args: ['-c', 'protocol.version=2', 'fetch', '--depth=1', 'origin'],
        class: 'fetch',
        host: 'git.example',
        exitCode: 0,
        startedAt: 1_700_000_000_000,
        durationMs: 250,
      });
      return Promise.resolve();
    });
    const spans = await finished();
    const git = spans.find((s) => s.name === 'git fetch');
    const parent = spans.find((s) => s.name === 'upstream zip');
    assert.ok(git && parent);
    assert.equal(git.parentSpanContext?.spanId, parent.spanContext().spanId);
    assert.deepEqual(git.startTime, [1_700_000_000, 0]);
    assert.deepEqual(git.endTime, [1_700_000_000, 250_000_000]);
    assert.equal(git.attributes['server.address'], 'git.example');
  });

  test('one server per process traces: a second start is refused', () => {
    on();
    assert.throws(
      () =>
        startTracing({
          otlpEndpoint: 'http://127.0.0.1:1/v1/traces',
          serviceName: 'x',
          sampleRatio: 1,
        }),
      /already tracing/,
    );
  });

  test('an unreachable collector is a warning in the log; stopping still succeeds', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const logger = createLogger({ level: 'info', format: 'json' }, out);
    const t = startTracing({
      otlpEndpoint: `http://user:secret@127.0.0.1:${port}/v1/traces`,
      serviceName: 'x',
      sampleRatio: 1,
      logger,
      exportTimeoutMs: 300,
    });
    await inSpan('lost', {}, () => Promise.resolve());
    await t?.shutdown();
    const warnings = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'tracing: spans could not be exported to tracing.otlp_endpoint');
    assert.equal(warnings.length, 1, text);
    assert.equal(warnings[0]?.failures, 1);
    assert.ok(!text.includes('secret'), text);
  });

  test('log lines written inside a span carry its ids (pino mixin), the access line too', async () => {
    on();
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const logger = createLogger({ level: 'info', format: 'json' }, out);
    setLogMixin(logger, traceLogFields);
    let ids: { trace: string; span: string } | undefined;
    await inSpan('work', {}, () => {
      const fields = traceLogFields();
      ids = { trace: String(fields.trace_id), span: String(fields.span_id) };
      logger.child({ part: 'x' }).info('inside');
      return Promise.resolve();
    });
    logger.info('outside');
    setLogMixin(logger, undefined);
    await inSpan('work', {}, () => Promise.resolve(logger.info('mixin removed')));
    const access = accessLogFor(logger);
    access.write({
      reqId: 'r',
      method: 'GET',
      path: '/',
      status: 200,
      bytes: 3,
      cache: 'hit',
      ms: 1,
      complete: true,
      traceId: TRACE,
      spanId: PARENT,
    });
    access.flush();
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(ids);
    const inside = lines.find((l) => l.msg === 'inside');
    assert.equal(inside?.trace_id, ids.trace);
    assert.equal(inside?.span_id, ids.span);
    assert.equal(lines.find((l) => l.msg === 'outside')?.trace_id, undefined);
    assert.equal(lines.find((l) => l.msg === 'mixin removed')?.trace_id, undefined);
    const line = lines.find((l) => l.msg === 'request');
    assert.equal(line?.trace_id, TRACE);
    assert.equal(line?.span_id, PARENT);
  });
});
