import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { App } from '../../src/app/app.js';
import { buildApp } from '../../src/app/build-app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log/index.js';
import type { StoredStat } from '../../src/storage/storage.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { rawRequest, type RawResponse } from '../support/raw-request.js';
import { startBareServer, until, type BareServer } from './bare-proxy-server.js';

interface Line {
  msg: string;
  reqId?: string;
  method?: string;
  path?: string;
  status?: number;
  bytes?: number;
  cache?: string;
  ms?: number;
  complete?: boolean;
}

describe('access log of a running server', () => {
  let fixture: FixtureProxy;
  let app: App;
  let url: string;
  let dataDir: string;
  let out = '';
  const lines = (): Line[] =>
    out
      .trimEnd()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => l.msg === 'request');
  /** The access lines once `n` of them are there (they are written at the end of a turn). */
  async function waitForLines(n: number): Promise<Line[]> {
    for (let i = 0; i < 200 && lines().length < n; i++) await new Promise((r) => setTimeout(r, 5));
    return lines();
  }

  before(async () => {
    fixture = await FixtureProxy.create([
      { path: 'example.com/hello', version: 'v1.0.0', files: { 'hello.go': 'package hello\n' } },
      { path: 'example.com/slow', version: 'v1.0.0', files: { 'slow.go': 'package slow\n' } },
    ]);
    dataDir = await mkdtemp(join(tmpdir(), 'modgate-data-'));
    const config = loadConfig({
      flags: {
        listen: '127.0.0.1:0',
        data_dir: dataDir,
        upstream: fixture.url,
        'log.level': 'info',
        'log.format': 'json',
        // Tests have no route to sum.golang.org.
        'sumdb.verify': false,
      },
    });
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    });
    app = await buildApp(config, createLogger(config.log, stream));
    url = (await app.start()).url;
  });
  after(async () => {
    await app.stop();
    await fixture.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('one line per request, with what was answered', async () => {
    const before = lines().length;
    const paths = [
      '/example.com/hello/@v/v1.0.0.info',
      '/example.com/hello/@v/v1.0.0.info',
      '/example.com/hello/@v/v1.0.0.info',
      '/example.com/hello/@v/v1.0.0.zip',
      '/example.com/hello/@v/v1.0.0.zip',
      '/example.com/hello/@v/v1.0.0.zip',
      '/example.com/hello/@v/list',
      '/example.com/hello/@v/list',
      '/example.com/hello/@v/list',
      '/healthz',
      '/nothing-here',
    ];
    const answers: RawResponse[] = [];
    for (const p of paths) answers.push(await rawRequest(url, p));
    answers.push(await rawRequest(url, '/example.com/hello/@v/list', { method: 'POST' }));
    answers.push(
      await rawRequest(url, '/example.com/hello/@v/v1.0.0.mod', {
        headers: { 'x-request-id': 'ci-42' },
      }),
    );
    const got = (await waitForLines(before + answers.length)).slice(before);
    assert.equal(got.length, answers.length);
    for (let i = 0; i < answers.length; i++) {
      const line = got[i];
      const answer = answers[i];
      assert.ok(line && answer);
      assert.equal(line.reqId, answer.headers['x-request-id']);
      assert.equal(line.status, answer.status);
      // The 405 answer's length is set by node:http itself, which the line does not see.
      const length = answer.status === 405 ? undefined : Number(answer.headers['content-length']);
      assert.equal(line.bytes, length);
      assert.equal(line.cache, answer.headers['x-modgate-cache']);
      assert.equal(line.complete, true);
      assert.equal(typeof line.ms, 'number');
    }
    assert.deepEqual(
      got.map((l) => `${l.method ?? ''} ${l.path ?? ''} ${l.status ?? ''} ${l.cache ?? '-'}`),
      [
        'GET /example.com/hello/@v/v1.0.0.info 200 miss',
        'GET /example.com/hello/@v/v1.0.0.info 200 hit',
        'GET /example.com/hello/@v/v1.0.0.info 200 hit',
        'GET /example.com/hello/@v/v1.0.0.zip 200 miss',
        'GET /example.com/hello/@v/v1.0.0.zip 200 hit',
        'GET /example.com/hello/@v/v1.0.0.zip 200 hit',
        'GET /example.com/hello/@v/list 200 miss',
        'GET /example.com/hello/@v/list 200 hit',
        'GET /example.com/hello/@v/list 200 hit',
        'GET /healthz 200 -',
        'GET /nothing-here 404 -',
        'POST /example.com/hello/@v/list 405 -',
        'GET /example.com/hello/@v/v1.0.0.mod 200 miss',
      ],
    );
    assert.equal(got.at(-1)?.reqId, 'ci-42');
  });

  test('a request the client gave up on is logged as 499, not complete', async () => {
    const before = lines().length;
    fixture.zipDelayMs = 1000;
    try {
      // The client hangs up while modgate still waits for the upstream.
      await new Promise<void>((resolve) => {
        const req = request(`${url}/example.com/slow/@v/v1.0.0.zip`, { agent: false });
        req.on('error', () => resolve());
        req.on('socket', (socket) =>
          socket.on('connect', () => setTimeout(() => req.destroy(), 100)),
        );
        req.end();
      });
      const [line] = (await waitForLines(before + 1)).slice(before);
      assert.equal(line?.path, '/example.com/slow/@v/v1.0.0.zip');
      assert.equal(line.status, 499);
      assert.equal(line.complete, false);
      // The download went on without the client; it is there for the next one.
      assert.equal((await rawRequest(url, '/example.com/slow/@v/v1.0.0.zip')).status, 200);
    } finally {
      fixture.zipDelayMs = 0;
    }
  });
});

/** A memory storage whose zips are large and stream one chunk, then stall or fail. */
class CuttingStorage extends MemoryStorage {
  constructor(private readonly then: 'stall' | 'fail') {
    super();
  }
  override openRead(key: string): Promise<{ stream: Readable; stat: StoredStat } | null> {
    if (!key.endsWith('.zip')) return Promise.resolve(null);
    const then = this.then;
    let sent = false;
    const stream = new Readable({
      read() {
        if (!sent) {
          sent = true;
          this.push(Buffer.alloc(64 * 1024, 1));
        } else if (then === 'fail') {
          this.destroy(new Error('disk read failed'));
        }
      },
    });
    const stat = { size: 4 << 20, modified: new Date(0), etag: '"e"' };
    return Promise.resolve({ stream, stat });
  }
}

describe('access line of a response cut short half-way', () => {
  const path = '/example.com/m/@v/v1.0.0.zip';
  const accessLines = (s: BareServer): Line[] =>
    s.lines().filter((l) => l.msg === 'request') as unknown as Line[];

  test('the client closing it: 499', async () => {
    const s = await startBareServer({ storage: new CuttingStorage('stall') });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${s.url}${path}`, { agent: false }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve(res.statusCode ?? 0);
          });
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 200); // the answer had started
      await until(() => accessLines(s).length === 1);
      const [line] = accessLines(s);
      assert.equal(line?.status, 499);
      assert.equal(line.complete, false);
    } finally {
      await s.stop();
    }
  });

  test('modgate cutting it at shutdown (grace over): the status sent, not complete', async () => {
    const s = await startBareServer({ storage: new CuttingStorage('stall'), shutdownGraceMs: 100 });
    let stopped: Promise<void> | undefined;
    try {
      const cut = new Promise<void>((resolve, reject) => {
        const req = request(`${s.url}${path}`, { agent: false }, (res) => {
          res.once('data', () => {
            stopped = s.stop();
          });
          res.on('error', () => resolve());
          res.on('close', () => resolve());
        });
        req.on('error', reject);
        req.end();
      });
      await cut;
      await until(() => accessLines(s).length === 1);
      const [line] = accessLines(s);
      assert.equal(line?.status, 200);
      assert.equal(line.complete, false);
    } finally {
      await (stopped ?? s.stop());
    }
  });

  test('modgate cutting it (its source failed): the status sent, not complete', async () => {
    const s = await startBareServer({ storage: new CuttingStorage('fail') });
    try {
      await assert.rejects(rawRequest(s.url, path));
      await until(() => accessLines(s).length === 1);
      const [line] = accessLines(s);
      assert.equal(line?.status, 200);
      assert.equal(line.complete, false);
    } finally {
      await s.stop();
    }
  });
});
