import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { pino } from 'pino';
import { ModgateError } from '../../src/errors/index.js';
import { FAST_ANSWERS_MAX_BYTES, FastAnswers } from '../../src/http/fast-answers.js';
import { ProxyServer } from '../../src/http/proxy-server.js';
import { loadConfig } from '../../src/config/index.js';
import { ModuleService } from '../../src/service/module-service.js';
import { MemoryStorage } from '../../src/storage/index.js';
import type { FetchContext, RevInfo, Upstream, ZipSource } from '../../src/upstream/upstream.js';

/** An upstream whose answers and failures the test sets. */
class FakeUpstream implements Upstream {
  readonly description = 'fake';
  versions = ['v1.0.0'];
  failing = false;
  readonly zipBytes = Buffer.from('PK fake zip bytes, the service is told they are fine');

  private check(): void {
    if (this.failing) throw new ModgateError('upstream', 'fake upstream is down');
  }
  list(_path: string, _ctx: FetchContext): Promise<string[]> {
    this.check();
    return Promise.resolve([...this.versions]);
  }
  info(_path: string, query: string, _ctx: FetchContext): Promise<RevInfo> {
    this.check();
    const version = query.startsWith('v') ? query : 'v1.0.0'; // a branch name: resolved
    const raw = Buffer.from(JSON.stringify({ Version: version, Time: '2024-01-02T03:04:05Z' }));
    return Promise.resolve({ version, raw });
  }
  latest(path: string, ctx: FetchContext): Promise<RevInfo> {
    return this.info(path, this.versions.at(-1) ?? 'v0.0.0', ctx);
  }
  mod(path: string, _version: string, _ctx: FetchContext): Promise<Buffer> {
    this.check();
    return Promise.resolve(Buffer.from(`module ${path}\n`));
  }
  zip(_path: string, _version: string, _ctx: FetchContext): Promise<ZipSource> {
    this.check();
    return Promise.resolve({ stream: Readable.from([this.zipBytes]), size: this.zipBytes.length });
  }
}

interface Raw {
  status: number;
  /** Header lines as sent, in order. */
  lines: string[];
  body: Buffer;
}

/** One request on its own connection; the answer exactly as it came over the wire. */
function raw(url: string, path: string, headers: string[] = [], method = 'GET'): Promise<Raw> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = all.subarray(0, split).toString('latin1').split('\r\n');
      resolve({
        status: Number(statusLine.split(' ')[1]),
        lines,
        body: all.subarray(split + 4),
      });
    });
    socket.write(
      [`${method} ${path} HTTP/1.1`, 'host: x', 'connection: close', ...headers, '', ''].join(
        '\r\n',
      ),
    );
  });
}

function header(r: Raw, name: string): string | undefined {
  const line = r.lines.find((l) => l.toLowerCase().startsWith(`${name}: `));
  return line?.slice(name.length + 2);
}

/** The answer with the per-request parts (date, request id) blanked. */
function comparable(r: Raw): string {
  return [
    String(r.status),
    ...r.lines.map((l) => l.replace(/^(date|x-request-id): .*/i, '$1: *')),
    r.body.toString('latin1'),
  ].join('\n');
}

describe('fast answers (cached hits replayed)', () => {
  const TTL = 60_000;
  let clock = 1_700_000_000_000;
  const now = (): number => clock;
  let upstream: FakeUpstream;
  let server: ProxyServer;
  let service: ModuleService;
  let url: string;
  let spoolDir: string;

  before(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), 'modgate-spool-'));
  });
  after(async () => {
    await server.stop();
    service.close();
    await rm(spoolDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    if (server !== undefined) {
      await server.stop();
      service.close();
    }
    clock = 1_700_000_000_000;
    upstream = new FakeUpstream();
    service = new ModuleService({
      storage: new MemoryStorage(),
      upstream,
      isPrivate: () => false,
      listTtlMs: TTL,
      notFoundTtlMs: 0,
      spoolDir,
      verifyZip: () => Promise.resolve('h1:not-checked-here'),
      hotCacheBytes: 1 << 20,
      now,
    });
    server = new ProxyServer({
      ...loadConfig().server,
      service,
      storage: new MemoryStorage(),
      logger: pino({ level: 'silent' }),
      listTtlMs: TTL,
      accessLog: true,
      shutdownGraceMs: 1000,
      now,
    });
    url = await server.listen('127.0.0.1', 0);
  });

  test('the same bytes as the full path, for every kind of cached hit', async () => {
    const paths = [
      '/example.com/m/@v/list',
      '/example.com/m/@latest',
      '/example.com/m/@v/v1.0.0.info',
      '/example.com/m/@v/v1.0.0.mod',
      '/example.com/m/@v/v1.0.0.zip',
      '/example.com/m/@v/v1.0.0.zip?x=1',
    ];
    for (const path of paths) {
      // A miss (except for the zip asked again with a query), then a hit on the full path,
      // then a replay.
      const fastBefore = server.fastAnswered;
      let full = await raw(url, path);
      assert.equal(full.status, 200, path);
      if (header(full, 'x-modgate-cache') === 'miss') full = await raw(url, path);
      assert.equal(header(full, 'x-modgate-cache'), 'hit', path);
      assert.equal(server.fastAnswered, fastBefore, `${path}: the first hit takes the full path`);
      const fast = await raw(url, path);
      assert.equal(server.fastAnswered, fastBefore + 1, `${path}: the second hit is replayed`);
      assert.equal(comparable(fast), comparable(full), path);
      assert.match(header(fast, 'x-request-id') ?? '', /^[0-9a-f]{8}-[0-9a-z]+$/);
      assert.notEqual(header(fast, 'x-request-id'), header(full, 'x-request-id'));
    }
  });

  test('a client request id is echoed on a replayed answer', async () => {
    const path = '/example.com/m/@v/v1.0.0.mod';
    await raw(url, path);
    await raw(url, path);
    const fastBefore = server.fastAnswered;
    const r = await raw(url, path, ['x-request-id: ci-77']);
    assert.equal(server.fastAnswered, fastBefore + 1);
    assert.equal(header(r, 'x-request-id'), 'ci-77');
  });

  test('lists are replayed only while fresh, with a max-age counting down', async () => {
    const path = '/example.com/m/@v/list';
    await raw(url, path); // miss, fetched at t0
    clock += 1000;
    const full = await raw(url, path);
    assert.equal(header(full, 'cache-control'), 'public, max-age=59');
    clock += 1500;
    const fastBefore = server.fastAnswered;
    const fast = await raw(url, path);
    assert.equal(server.fastAnswered, fastBefore + 1);
    assert.equal(header(fast, 'cache-control'), 'public, max-age=57');
    assert.equal(fast.body.toString(), 'v1.0.0\n');

    // The TTL runs out while the upstream has a new version: the full path refreshes.
    upstream.versions = ['v1.0.0', 'v1.1.0'];
    clock += TTL - 2500 - 1;
    assert.equal(header(await raw(url, path), 'cache-control'), 'public, max-age=0');
    assert.equal(server.fastAnswered, fastBefore + 2, 'still fresh 1 ms before the TTL');
    clock += 1;
    const refreshed = await raw(url, path);
    assert.equal(server.fastAnswered, fastBefore + 2);
    assert.equal(header(refreshed, 'x-modgate-cache'), 'miss');
    assert.equal(refreshed.body.toString(), 'v1.0.0\nv1.1.0\n');
    assert.equal(header(refreshed, 'cache-control'), 'public, max-age=60');
    await raw(url, path);
    const again = await raw(url, path);
    assert.equal(server.fastAnswered, fastBefore + 3);
    assert.equal(again.body.toString(), 'v1.0.0\nv1.1.0\n');
  });

  test('stale answers are never replayed', async () => {
    const path = '/example.com/m/@latest';
    await raw(url, path);
    await raw(url, path);
    clock += TTL;
    upstream.failing = true;
    const fastBefore = server.fastAnswered;
    for (let i = 0; i < 3; i++) {
      const stale = await raw(url, path);
      assert.equal(stale.status, 200);
      assert.equal(header(stale, 'x-modgate-cache'), 'stale');
      assert.equal(header(stale, 'cache-control'), 'public, max-age=0');
      assert.match(header(stale, 'warning') ?? '', /^111 /);
    }
    assert.equal(server.fastAnswered, fastBefore);
  });

  test('HEAD, other methods, ranges and conditional zip requests take the full path', async () => {
    const zip = '/example.com/m/@v/v1.0.0.zip';
    await raw(url, zip);
    const full = await raw(url, zip);
    const etag = header(full, 'etag') ?? '';
    const modified = header(full, 'last-modified') ?? '';
    const size = full.body.length;
    const fastBefore = server.fastAnswered;

    const notModified = await raw(url, zip, [`if-none-match: ${etag}`]);
    assert.equal(notModified.status, 304);
    assert.equal((await raw(url, zip, [`if-modified-since: ${modified}`])).status, 304);
    const part = await raw(url, zip, ['range: bytes=3-6']);
    assert.equal(part.status, 206);
    assert.equal(header(part, 'content-range'), `bytes 3-6/${size}`);
    assert.deepEqual(part.body, full.body.subarray(3, 7));
    const wrongIfRange = await raw(url, zip, ['range: bytes=3-6', 'if-range: "other"']);
    assert.equal(wrongIfRange.status, 200);
    assert.equal((await raw(url, zip, ['range: bytes=999-'])).status, 416);
    const head = await raw(url, zip, [], 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(header(head, 'content-length'), String(size));
    const post = await raw(url, zip, [], 'POST');
    assert.equal(post.status, 405);
    assert.equal(header(post, 'allow'), 'GET, HEAD');
    assert.equal(server.fastAnswered, fastBefore);

    // .info and .mod have no validators: the full path ignores these headers, and so may we.
    const mod = '/example.com/m/@v/v1.0.0.mod';
    await raw(url, mod);
    const modFull = await raw(url, mod, ['range: bytes=0-1']);
    const modFast = await raw(url, mod, ['range: bytes=0-1']);
    assert.equal(server.fastAnswered, fastBefore + 1);
    assert.equal(modFast.status, 200);
    assert.equal(comparable(modFast), comparable(modFull));
  });

  test('misses and non-canonical .info queries are never replayed', async () => {
    const fastBefore = server.fastAnswered;
    for (let i = 0; i < 3; i++) {
      const r = await raw(url, '/example.com/m/@v/main.info');
      assert.equal(header(r, 'x-modgate-cache'), 'miss');
    }
    assert.equal(server.fastAnswered, fastBefore);
  });
});

describe('FastAnswers bounds', () => {
  const body = (n: number): Buffer => Buffer.alloc(n, 0x61);

  test('at most maxBytes, targets and headers included; the least recently used make room', () => {
    const probe = new FastAnswers({ listTtlMs: 60_000 });
    probe.offerImmutable('/p0', 'text/plain', body(10));
    const one = probe.bytes;
    assert.ok(one > 10 + 2 * '/p0'.length, 'more than the body: target, headers, bookkeeping');
    const fa = new FastAnswers({ listTtlMs: 60_000, maxBytes: 3 * one });
    for (let i = 0; i < 5; i++) fa.offerImmutable(`/p${i}`, 'text/plain', body(10));
    assert.equal(fa.size, 3);
    assert.equal(
      fa.lookup('/p0', () => 0),
      undefined,
    );
    assert.equal(
      fa.lookup('/p1', () => 0),
      undefined,
    );
    assert.ok(fa.lookup('/p4', () => 0));
    assert.equal(fa.bytes, 3 * one);
    // An answer over the whole bound is not kept; offering a target again replaces it.
    fa.offerImmutable('/huge', 'text/plain', body(3 * one));
    assert.equal(
      fa.lookup('/huge', () => 0),
      undefined,
    );
    fa.offerImmutable('/p4', 'text/plain', body(1));
    assert.equal(fa.lookup('/p4', () => 0)?.length, 1);
    assert.equal(fa.size, 3);
    assert.equal(new FastAnswers({ listTtlMs: 1 }).maxBytes, FAST_ANSWERS_MAX_BYTES);
  });

  test('bound holds under 200,000 distinct long targets of one cached file', () => {
    const maxBytes = 1024 * 1024;
    const fa = new FastAnswers({ listTtlMs: 60_000, maxBytes });
    const shared = body(300);
    const target = (i: number): string => `/example.com/m/@v/v1.0.0.info?${'q'.repeat(2000)}=${i}`;
    for (let i = 0; i < 200_000; i++) {
      fa.offerImmutable(target(i), 'application/json', shared);
      if (fa.bytes > maxBytes) assert.fail(`accounted ${fa.bytes} bytes after ${i + 1} answers`);
    }
    assert.ok(fa.size <= maxBytes / (2 * target(0).length), `${fa.size} entries`);
    assert.ok(fa.lookup(target(199_999), () => 0));
    assert.equal(
      fa.lookup(target(0), () => 0),
      undefined,
    );
  });

  test('expired list answers are dropped', () => {
    const fa = new FastAnswers({ listTtlMs: 10_000 });
    fa.offerFresh('/l', 'text/plain', body(5), 1000);
    assert.equal(fa.lookup('/l', () => 1000)?.headers[5], 'public, max-age=10');
    assert.equal(fa.lookup('/l', () => 10_999)?.headers[5], 'public, max-age=0');
    assert.equal(
      fa.lookup('/l', () => 11_000),
      undefined,
    );
    assert.equal(fa.size, 0);
    assert.equal(
      fa.lookup('/l', () => 1000),
      undefined,
      'gone, not just hidden',
    );
  });
});
