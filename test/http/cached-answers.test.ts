import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { pino } from 'pino';
import { ModgateError } from '../../src/errors/index.js';
import { ProxyServer } from '../../src/http/proxy-server.js';
import { loadConfig } from '../../src/config/index.js';
import { ModuleService } from '../../src/service/module-service.js';
import { MemoryStorage } from '../../src/storage/index.js';
import type { FetchContext, RevInfo, Upstream, ZipSource } from '../../src/upstream/upstream.js';
import { makeZip } from '../support/fixture-proxy.js';
import { publicPolicy } from '../support/public-policy.js';

/** An upstream whose answers and failures the test sets. */
class FakeUpstream implements Upstream {
  readonly description = 'fake';
  versions = ['v1.0.0'];
  failing = false;
  zipBytes: Buffer = Buffer.alloc(0);
  requests = 0;

  private check(): void {
    this.requests++;
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

describe('cached answers over HTTP', () => {
  const TTL = 60_000;
  let clock = 1_700_000_000_000;
  const now = (): number => clock;
  let upstream: FakeUpstream;
  let server: ProxyServer;
  let service: ModuleService;
  let url: string;
  let spoolDir: string;
  let zipBytes: Buffer;

  before(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), 'modgate-spool-'));
    zipBytes = await makeZip('example.com/m', 'v1.0.0', { 'go.mod': 'module example.com/m\n' });
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
    upstream.zipBytes = zipBytes;
    service = new ModuleService({
      storage: new MemoryStorage(),
      upstreams: { chain: upstream },
      policy: publicPolicy,
      stash: { spoolDir },
      cache: { listTtlMs: TTL, notFoundTtlMs: 0, maxBytes: 1 << 20, now },
    });
    server = new ProxyServer({
      ...loadConfig().server,
      service,
      logger: pino({ level: 'silent' }),
      accessLog: true,
      shutdownGraceMs: 1000,
    });
    url = await server.listen('127.0.0.1', 0);
  });

  test("a cached hit's bytes and headers equal the first answer's, with its own request id", async () => {
    const paths = [
      '/example.com/m/@v/list',
      '/example.com/m/@latest',
      '/example.com/m/@v/v1.0.0.info',
      '/example.com/m/@v/v1.0.0.mod',
      '/example.com/m/@v/v1.0.0.zip',
      '/example.com/m/@v/v1.0.0.zip?x=1',
    ];
    for (const path of paths) {
      let first = await raw(url, path);
      assert.equal(first.status, 200, path);
      if (header(first, 'x-modgate-cache') === 'miss') {
        // The miss says so; the next answer is the first hit.
        const hit = await raw(url, path);
        assert.deepEqual(hit.body, first.body, path);
        first = hit;
      }
      assert.equal(header(first, 'x-modgate-cache'), 'hit', path);
      const requests = upstream.requests;
      for (let i = 0; i < 2; i++) {
        const again = await raw(url, path);
        assert.equal(comparable(again), comparable(first), path);
        assert.match(header(again, 'x-request-id') ?? '', /^[0-9a-f]{8}-[0-9a-z]+$/);
        assert.notEqual(header(again, 'x-request-id'), header(first, 'x-request-id'));
      }
      assert.equal(upstream.requests, requests, `${path}: hits ask no upstream`);
    }
  });

  test('a client request id is echoed on a cached answer', async () => {
    const path = '/example.com/m/@v/v1.0.0.mod';
    await raw(url, path);
    await raw(url, path);
    const r = await raw(url, path, ['x-request-id: ci-77']);
    assert.equal(header(r, 'x-request-id'), 'ci-77');
    const next = await raw(url, path);
    assert.notEqual(header(next, 'x-request-id'), 'ci-77', 'the next request has its own id');
  });

  test('lists are fresh for the TTL, with a max-age counting down; then refreshed', async () => {
    const path = '/example.com/m/@v/list';
    await raw(url, path); // miss, fetched at t0
    clock += 1000;
    const hit = await raw(url, path);
    assert.equal(header(hit, 'cache-control'), 'public, max-age=59');
    clock += 1500;
    const later = await raw(url, path);
    assert.equal(header(later, 'x-modgate-cache'), 'hit');
    assert.equal(header(later, 'cache-control'), 'public, max-age=57');
    assert.equal(later.body.toString(), 'v1.0.0\n');

    // The TTL runs out while the upstream has a new version: refreshed. (The clock jumps from
    // before the refresh-ahead window straight past the TTL: the next test has that window.)
    upstream.versions = ['v1.0.0', 'v1.1.0'];
    clock += TTL - 2500;
    const refreshed = await raw(url, path);
    assert.equal(header(refreshed, 'x-modgate-cache'), 'miss');
    assert.equal(refreshed.body.toString(), 'v1.0.0\nv1.1.0\n');
    assert.equal(header(refreshed, 'cache-control'), 'public, max-age=60');
    const again = await raw(url, path);
    assert.equal(header(again, 'x-modgate-cache'), 'hit');
    assert.equal(again.body.toString(), 'v1.0.0\nv1.1.0\n');
  });

  test('a hot list is refreshed ahead of its expiry, and answered from memory meanwhile', async () => {
    const path = '/example.com/m/@v/list';
    await raw(url, path); // miss, fetched at t0
    const fetched = upstream.requests;
    // Before 70 % of the TTL: a plain hit, no refresh.
    clock += Math.floor(TTL * 0.69);
    assert.equal(header(await raw(url, path), 'x-modgate-cache'), 'hit');
    assert.equal(upstream.requests, fetched);
    // 1 ms before the TTL (past 90 %): still the cached copy, and a refresh in the background.
    upstream.versions = ['v1.0.0', 'v1.1.0'];
    clock = clock - Math.floor(TTL * 0.69) + TTL - 1;
    const last = await raw(url, path);
    assert.equal(header(last, 'x-modgate-cache'), 'hit', 'still fresh 1 ms before the TTL');
    assert.equal(header(last, 'cache-control'), 'public, max-age=0');
    assert.equal(last.body.toString(), 'v1.0.0\n');
    // Still 1 ms before the old copy's TTL: hits, until the refreshed copy is in (bounded).
    let next = last;
    const deadline = Date.now() + 10_000;
    while (next.body.toString() === 'v1.0.0\n' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
      next = await raw(url, path);
      assert.equal(header(next, 'x-modgate-cache'), 'hit');
    }
    assert.equal(upstream.requests, fetched + 1, 'refreshed ahead, once');
    // Past the old copy's TTL: the copy refreshed 1 ms before it, fresh for a whole TTL.
    clock += 1;
    next = await raw(url, path);
    assert.equal(header(next, 'x-modgate-cache'), 'hit');
    assert.equal(next.body.toString(), 'v1.0.0\nv1.1.0\n');
    assert.equal(header(next, 'cache-control'), 'public, max-age=59');
    assert.equal(upstream.requests, fetched + 1);
  });

  test('a refresh that finds the list unchanged is "revalidated"', async () => {
    const path = '/example.com/m/@v/list';
    await raw(url, path);
    clock += TTL;
    const requests = upstream.requests;
    const refreshed = await raw(url, path);
    assert.equal(upstream.requests, requests + 1);
    assert.equal(header(refreshed, 'x-modgate-cache'), 'revalidated');
    assert.equal(header(refreshed, 'cache-control'), 'public, max-age=60');
    assert.equal(refreshed.body.toString(), 'v1.0.0\n');
    assert.equal(header(await raw(url, path), 'x-modgate-cache'), 'hit');
  });

  test('stale answers say so every time, and are never cached as fresh', async () => {
    const path = '/example.com/m/@latest';
    await raw(url, path);
    await raw(url, path);
    clock += TTL;
    upstream.failing = true;
    const requests = upstream.requests;
    for (let i = 0; i < 3; i++) {
      const stale = await raw(url, path);
      assert.equal(stale.status, 200);
      assert.equal(header(stale, 'x-modgate-cache'), 'stale');
      assert.equal(header(stale, 'cache-control'), 'public, max-age=0');
      assert.match(header(stale, 'warning') ?? '', /^111 /);
      assert.equal(header(stale, 'x-modgate-stale-reason'), 'fake upstream is down');
    }
    assert.equal(upstream.requests, requests + 3, 'each one tried the upstream again');
  });

  test('HEAD, ranges and conditional requests on a cached zip', async () => {
    const zip = '/example.com/m/@v/v1.0.0.zip';
    await raw(url, zip);
    const full = await raw(url, zip);
    const etag = header(full, 'etag') ?? '';
    const modified = header(full, 'last-modified') ?? '';
    const size = full.body.length;

    const notModified = await raw(url, zip, [`if-none-match: ${etag}`]);
    assert.equal(notModified.status, 304);
    assert.equal(header(notModified, 'etag'), etag);
    assert.equal((await raw(url, zip, [`if-modified-since: ${modified}`])).status, 304);
    const part = await raw(url, zip, ['range: bytes=3-6']);
    assert.equal(part.status, 206);
    assert.equal(header(part, 'content-range'), `bytes 3-6/${size}`);
    assert.deepEqual(part.body, full.body.subarray(3, 7));
    const matching = await raw(url, zip, ['range: bytes=3-6', `if-range: ${etag}`]);
    assert.equal(matching.status, 206);
    const wrongIfRange = await raw(url, zip, ['range: bytes=3-6', 'if-range: "other"']);
    assert.equal(wrongIfRange.status, 200);
    assert.deepEqual(wrongIfRange.body, full.body);
    const outside = await raw(url, zip, ['range: bytes=999999-']);
    assert.equal(outside.status, 416);
    assert.equal(header(outside, 'content-range'), `bytes */${size}`);
    const head = await raw(url, zip, [], 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(header(head, 'content-length'), String(size));
    const post = await raw(url, zip, [], 'POST');
    assert.equal(post.status, 405);
    assert.equal(header(post, 'allow'), 'GET, HEAD');
    // The plain GET after all that is the same answer as before.
    assert.equal(comparable(await raw(url, zip)), comparable(full));

    // .info and .mod have no validators: Range is ignored (always the whole file).
    const mod = '/example.com/m/@v/v1.0.0.mod';
    const modFull = await raw(url, mod);
    const modRange = await raw(url, mod, ['range: bytes=0-1']);
    assert.equal(modRange.status, 200);
    assert.deepEqual(modRange.body, modFull.body);
  });

  test('non-canonical .info queries are resolved upstream every time', async () => {
    const requests = upstream.requests;
    for (let i = 0; i < 3; i++) {
      const r = await raw(url, '/example.com/m/@v/main.info');
      assert.equal(header(r, 'x-modgate-cache'), 'miss');
      assert.equal(header(r, 'cache-control'), 'public, max-age=60');
    }
    assert.equal(upstream.requests, requests + 3);
  });
});
