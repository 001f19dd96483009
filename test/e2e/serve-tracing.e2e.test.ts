import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashGoMod } from '../../src/zip/index.js';
import { hashZipFile } from '../../src/zip/files/index.js';
import { FixtureProxy, escapePath, type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { TestSumdb, type TestSumdbRecord } from '../support/test-sumdb.js';
import { GitFixture } from '../upstream/direct/git/git-fixture.js';

// Issue 11 item 3, "done means": the spans of one `go mod download` through modgate, received
// by an OTLP/HTTP receiver inside the test, form the tree request → upstream attempt → HTTP
// exchange, and request → checksum lookup → HTTP exchange; the outbound requests carry a
// `traceparent` whose parent is the exchange's span; a client's own `traceparent` is kept.

/** One span as the OTLP/HTTP JSON encoding carries it (ids in hex). */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}

/** A node:http OTLP/HTTP traces receiver on 127.0.0.1 (POST /v1/traces, JSON). */
class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly contentTypes: string[] = [];
  readonly serviceNames = new Set<string>();
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.url = await listen(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/traces') {
      res.writeHead(404).end();
      return;
    }
    this.contentTypes.push(req.headers['content-type'] ?? '');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: OtlpValue }[] };
        scopeSpans: {
          spans: (Omit<ReceivedSpan, 'attributes'> & {
            attributes?: { key: string; value: OtlpValue }[];
          })[];
        }[];
      }[];
    };
    for (const rs of body.resourceSpans) {
      const name = rs.resource.attributes.find((a) => a.key === 'service.name');
      if (name?.value.stringValue !== undefined) this.serviceNames.add(name.value.stringValue);
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          const attributes: ReceivedSpan['attributes'] = {};
          for (const a of s.attributes ?? []) attributes[a.key] = plain(a.value);
          this.spans.push({ ...s, attributes });
        }
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

function plain(v: OtlpValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.boolValue !== undefined) return v.boolValue;
  return v.doubleValue ?? '';
}

/**
 * A relay in front of a test upstream (proxy or checksum database) that records the
 * `traceparent` of every request it forwards.
 */
class HeaderRecorder {
  readonly seen: {
    path: string;
    traceparent: string | undefined;
    tracestate: string | undefined;
  }[] = [];
  url = '';
  private server: Server | undefined;

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const { traceparent, tracestate } = req.headers;
      this.seen.push({
        path: req.url ?? '',
        traceparent: typeof traceparent === 'string' ? traceparent : undefined,
        tracestate: typeof tracestate === 'string' ? tracestate : undefined,
      });
      const headers = { ...req.headers };
      delete headers.host;
      const out = httpRequest(`${this.target}${req.url ?? '/'}`, { headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end();
    });
    this.url = await listen(this.server);
  }

  traceparentOf(pathSuffix: string): string | undefined {
    return this.seen.find((s) => s.path.endsWith(pathSuffix))?.traceparent;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const traced: FixtureModule = { path: 'example.com/traced', version: 'v1.0.0', files: {} };
const other: FixtureModule = { path: 'example.com/other', version: 'v1.0.0', files: {} };
for (const m of [traced, other]) m.files = { 'a.go': 'package a\n' };

const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN = 'b7ad6b7169203331';

describe('tracing: the spans of a go mod download reach an OTLP/HTTP receiver', () => {
  let fixture: FixtureProxy;
  let db: TestSumdb;
  let proxyRelay: HeaderRecorder;
  let dbRelay: HeaderRecorder;
  let receiver: OtlpReceiver;
  let modgate: ModgateInstance;
  let go: GoSandbox;
  let git: GitFixture;
  let log = '';

  before(async () => {
    fixture = await FixtureProxy.create([traced, other]);
    const dir = join(fixture.root, escapePath(traced.path), '@v');
    const record: TestSumdbRecord = {
      path: traced.path,
      version: traced.version,
      zipHash: await hashZipFile(join(dir, 'v1.0.0.zip')),
      modHash: hashGoMod(await readFile(join(dir, 'v1.0.0.mod'))),
    };
    db = await TestSumdb.create({ records: [record] });
    proxyRelay = new HeaderRecorder(fixture.url);
    dbRelay = new HeaderRecorder(db.url);
    receiver = new OtlpReceiver();
    await Promise.all([proxyRelay.start(), dbRelay.start(), receiver.start()]);
    // A private module, fetched from git (git daemon on 127.0.0.1).
    git = await GitFixture.create();
    const repo = await git.newRepo('greeter');
    await git.commit(
      repo,
      { 'go.mod': 'module git.corp.example/greeter\n\ngo 1.16\n', 'g.go': 'package greeter\n' },
      'v1',
      '2024-03-01T10:00:00Z',
    );
    await git.git(repo, ['tag', 'v1.0.0']);
    const gitPort = await git.startDaemon();
    modgate = await startModgate({
      upstream: proxyRelay.url,
      private: 'git.corp.example',
      captureLog: true,
      settings: {
        'direct.rewrites': `git.corp.example/*=git://127.0.0.1:${gitPort}/*`,
        'direct.insecure': 'git.corp.example',
        'sumdb.databases': `${db.verifierKey} ${dbRelay.url}`,
        'sumdb.verify': true,
        'sumdb.no_verify': other.path,
        'tracing.otlp_endpoint': `${receiver.url}/v1/traces`,
        'tracing.service_name': 'modgate-e2e',
      },
    });
    go = await GoSandbox.create();

    const main = await go.newModule(
      'example.com/main',
      `module example.com/main\n\ngo 1.19\n\nrequire ${traced.path} v1.0.0\n`,
    );
    const r = await go.run(['mod', 'download', traced.path], { proxy: modgate.url, cwd: main });
    assert.equal(r.code, 0, r.stderr);
    // A client that sends its own trace context, then one whose traceparent is malformed.
    const info = `${modgate.url}/${other.path}/@v/v1.0.0.info`;
    const withParent = await fetch(info, {
      headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
    });
    assert.equal(withParent.status, 200, await withParent.text());
    const malformed = await fetch(`${modgate.url}/${other.path}/@v/v1.0.0.mod`, {
      headers: { traceparent: `00-${CLIENT_TRACE}-zzzz-01` },
    });
    assert.equal(malformed.status, 200, await malformed.text());
    const fromGit = await fetch(`${modgate.url}/git.corp.example/greeter/@v/v1.0.0.info`);
    assert.equal(fromGit.status, 200, await fromGit.text());
    // Stopping flushes the spans still batched.
    await modgate.settle();
    log = modgate.log();
    await modgate.stop();
  });

  after(async () => {
    await Promise.all([proxyRelay.close(), dbRelay.close(), receiver.close()]);
    await db.close();
    await git.close();
    await fixture.close();
    await go.cleanup();
  });

  const children = (s: ReceivedSpan) => receiver.spans.filter((c) => c.parentSpanId === s.spanId);
  const descendants = (s: ReceivedSpan): ReceivedSpan[] =>
    children(s).flatMap((c) => [c, ...descendants(c)]);
  const serverSpan = (pathSuffix: string): ReceivedSpan => {
    const found = receiver.spans.filter(
      (s) => s.kind === 2 && String(s.attributes['url.path']).endsWith(pathSuffix),
    );
    assert.equal(found.length, 1, `one server span for ${pathSuffix}`);
    return found[0]!;
  };
  /** The `traceparent` modgate sent names the client span of that exchange as its parent. */
  const assertSentFrom = (span: ReceivedSpan, relay: HeaderRecorder, pathSuffix: string) => {
    assert.equal(relay.traceparentOf(pathSuffix), `00-${span.traceId}-${span.spanId}-01`);
  };

  test('spans are exported as OTLP/HTTP JSON with the configured service name', () => {
    assert.ok(receiver.spans.length > 0);
    assert.ok(receiver.contentTypes.every((t) => t.startsWith('application/json')));
    assert.deepEqual([...receiver.serviceNames], ['modgate-e2e']);
  });

  test('the .mod request: request → upstream attempt → HTTP exchange, → checksum lookup', () => {
    const req = serverSpan(`/${traced.path}/@v/v1.0.0.mod`);
    assert.equal(req.name, 'GET mod');
    assert.equal(req.parentSpanId ?? '', '', 'the go command sends no traceparent: a new trace');
    assert.equal(req.attributes['http.response.status_code'], 200);
    assert.equal(req.attributes['modgate.cache'], 'miss');
    const below = descendants(req);
    assert.ok(
      below.every((s) => s.traceId === req.traceId),
      'one trace id for the request',
    );
    const lookup = below.find((s) => s.name === 'answer-cache lookup');
    assert.equal(lookup?.attributes['modgate.answer_cache'], 'miss');

    const attempt = children(req).find((s) => s.name === 'upstream mod');
    assert.ok(attempt, below.map((s) => s.name).join(', '));
    assert.equal(attempt.attributes['modgate.upstream'], proxyRelay.url);
    const exchange = children(attempt).find((s) => s.kind === 3);
    assert.ok(exchange);
    assert.equal(exchange.attributes['url.full'], `${proxyRelay.url}/${traced.path}/@v/v1.0.0.mod`);
    assert.equal(exchange.attributes['http.response.status_code'], 200);
    assertSentFrom(exchange, proxyRelay, `/${traced.path}/@v/v1.0.0.mod`);

    // The version's lookup starts as soon as its .mod is fetched (the gates' prepare, for the
    // .mod and the zip alike: one database answer holds both lines), and the .mod's check
    // takes it: the database exchange is under a lookup span of this request, for the version.
    const lookups = below.filter((s) => s.name === 'sumdb lookup');
    assert.ok(lookups.length > 0, below.map((s) => s.name).join(', '));
    for (const l of lookups) {
      assert.match(
        String(l.attributes['modgate.module']),
        new RegExp(`^${traced.path}@v1\\.0\\.0(/go\\.mod)?$`),
      );
    }
    const dbExchange = lookups
      .flatMap((l) => descendants(l))
      .find((s) => s.kind === 3 && String(s.attributes['url.full']).includes('/lookup/'));
    assert.ok(dbExchange, 'the database exchange under a lookup of the .mod request');
    assertSentFrom(dbExchange, dbRelay, `/lookup/${traced.path}@v1.0.0`);
    assert.ok(
      below.some((s) => s.name.startsWith('storage ')),
      'storage writes of the request are spans',
    );
  });

  test('the .zip request has its own trace: upstream attempt and checksum lookup', () => {
    const req = serverSpan(`/${traced.path}/@v/v1.0.0.zip`);
    assert.equal(req.name, 'GET zip');
    const below = descendants(req);
    assert.ok(below.every((s) => s.traceId === req.traceId));
    const attempt = children(req).find((s) => s.name === 'upstream zip');
    const exchange = attempt && children(attempt).find((s) => s.kind === 3);
    assert.ok(exchange, below.map((s) => s.name).join(', '));
    assertSentFrom(exchange, proxyRelay, `/${traced.path}/@v/v1.0.0.zip`);
    assert.ok(below.some((s) => s.name === 'sumdb lookup'));
  });

  test("a client's traceparent is kept: its trace id, its span as the request's parent", () => {
    const req = serverSpan(`/${other.path}/@v/v1.0.0.info`);
    assert.equal(req.traceId, CLIENT_TRACE);
    assert.equal(req.parentSpanId, CLIENT_SPAN);
    const exchange = descendants(req).find((s) => s.kind === 3);
    assert.ok(exchange);
    assert.equal(exchange.traceId, CLIENT_TRACE);
    assertSentFrom(exchange, proxyRelay, `/${other.path}/@v/v1.0.0.info`);
  });

  test('a malformed traceparent starts a new trace', () => {
    const req = serverSpan(`/${other.path}/@v/v1.0.0.mod`);
    assert.notEqual(req.traceId, CLIENT_TRACE);
    assert.equal(req.parentSpanId ?? '', '');
  });

  test('a private module from git: request → upstream attempt → git command spans', () => {
    const req = serverSpan('/git.corp.example/greeter/@v/v1.0.0.info');
    const attempt = children(req).find((s) => s.name === 'upstream info');
    assert.ok(
      attempt,
      descendants(req)
        .map((s) => s.name)
        .join(', '),
    );
    assert.equal(attempt.attributes['modgate.upstream'], 'direct');
    const commands = descendants(attempt).filter((s) => s.name.startsWith('git '));
    assert.ok(
      commands.length > 0,
      descendants(attempt)
        .map((s) => s.name)
        .join(', '),
    );
    assert.ok(commands.every((s) => s.traceId === req.traceId));
    assert.ok(
      commands.some((s) => s.attributes['modgate.git.class'] === 'ls-remote'),
      commands.map((s) => s.name).join(', '),
    );
  });

  test('log lines of a request carry its trace and span ids, the access line too', () => {
    const lines = log
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const access = lines.filter((l) => l.msg === 'request');
    assert.ok(access.length >= 5, `${access.length} access lines`);
    for (const line of access) {
      const span = receiver.spans.find(
        (s) => s.kind === 2 && s.attributes['modgate.request_id'] === line.reqId,
      );
      assert.ok(span, `a span for ${String(line.path)}`);
      assert.equal(line.trace_id, span.traceId);
      assert.equal(line.span_id, span.spanId);
    }
    // Other lines written inside a request name a span of that request's trace.
    const traces = new Set(receiver.spans.map((s) => s.traceId));
    for (const line of lines.filter((l) => l.trace_id !== undefined)) {
      assert.ok(traces.has(String(line.trace_id)), JSON.stringify(line));
    }
  });
});

describe("tracing off: a client's traceparent is passed on to the upstream unchanged", () => {
  let fixture: FixtureProxy;
  let relay: HeaderRecorder;
  let modgate: ModgateInstance;
  before(async () => {
    fixture = await FixtureProxy.create([traced, other]);
    relay = new HeaderRecorder(fixture.url);
    await relay.start();
    // The default configuration: tracing off, cached hits on the fast path.
    modgate = await startModgate({ upstream: relay.url });
  });
  after(async () => {
    await modgate.stop();
    await relay.close();
    await fixture.close();
  });

  const get = async (path: string, headers: Record<string, string>) => {
    const res = await fetch(`${modgate.url}${path}`, { headers });
    assert.equal(res.status, 200, await res.text());
  };

  test('a valid traceparent (and its tracestate) reaches the upstream as sent', async () => {
    const traceparent = `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`;
    await get(`/${traced.path}/@v/v1.0.0.info`, { traceparent, tracestate: 'vendor=abc' });
    assert.equal(relay.traceparentOf(`/${traced.path}/@v/v1.0.0.info`), traceparent);
    assert.equal(relay.seen.at(-1)?.tracestate, 'vendor=abc');
  });

  test('no traceparent, or a malformed one: none is sent', async () => {
    await get(`/${other.path}/@v/v1.0.0.info`, {});
    await get(`/${other.path}/@v/v1.0.0.mod`, { traceparent: `00-${CLIENT_TRACE}-zz-01` });
    assert.equal(relay.traceparentOf(`/${other.path}/@v/v1.0.0.info`), undefined);
    assert.equal(relay.traceparentOf(`/${other.path}/@v/v1.0.0.mod`), undefined);
  });
});
