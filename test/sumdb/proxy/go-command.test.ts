// The real go command against a GOPROXY that proxies a checksum database through
// handleSumdbRequest: GOSUMDB names the test database by key only, so the go command asks
// the proxy for /sumdb/<name>/supported and then sends every lookup and tile request there.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sendError } from '../../../src/http/send-error.js';
import { compilePolicy } from '../../../src/policy/index.js';
import { handleSumdbRequest, type SumdbProxyDeps } from '../../../src/sumdb/proxy/index.js';
import { hashGoMod } from '../../../src/zip/index.js';
import { hashZipFile } from '../../../src/zip/files/index.js';
import { FixtureProxy, escapePath, type FixtureModule } from '../../support/fixture-proxy.js';
import { GoSandbox } from '../../support/go-sandbox.js';
import { rawRequest } from '../../support/raw-request.js';
import { TestSumdb, type TestSumdbRecord } from '../../support/test-sumdb.js';
import { USER_AGENT, clientFor, fakeHash, type ClientEnv } from '../client/sumdb-test-env.js';

const PRIVATE = 'example.com/private';

const modules: FixtureModule[] = [
  {
    path: 'example.com/hello',
    version: 'v1.0.0',
    files: { 'hello.go': 'package hello\n\nconst Hello = "hello"\n' },
  },
  {
    path: 'example.com/Upper',
    version: 'v1.1.0',
    files: { 'upper.go': 'package upper\n' },
  },
  {
    path: 'example.com/tampered',
    version: 'v1.0.0',
    files: { 'tampered.go': 'package tampered\n' },
  },
  {
    path: 'example.com/private/lib',
    version: 'v1.0.0',
    files: { 'lib.go': 'package lib\n' },
  },
];

/** The go.sum record of a fixture module, hashed from the files the fixture serves. */
async function recordOf(fixture: FixtureProxy, m: FixtureModule): Promise<TestSumdbRecord> {
  const dir = join(fixture.root, escapePath(m.path), '@v');
  const v = escapePath(m.version);
  return {
    path: m.path,
    version: m.version,
    zipHash: await hashZipFile(join(dir, `${v}.zip`)),
    modHash: hashGoMod(await readFile(join(dir, `${v}.mod`))),
  };
}

/** A GOPROXY: /sumdb/ through handleSumdbRequest, everything else relayed to the fixture. */
class SumdbProxyServer {
  readonly paths: string[] = [];
  private server: Server | undefined;
  url = '';

  constructor(
    private readonly fixtureUrl: string,
    private readonly deps: SumdbProxyDeps,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.paths.push(path);
    if (!path.startsWith('/sumdb/')) {
      const upstream = request(this.fixtureUrl + path, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', (err) => sendError(res, err, 'fixture'));
      upstream.end();
      return;
    }
    try {
      const answer = await handleSumdbRequest(path, this.deps);
      res.writeHead(answer.status, answer.headers);
      res.end(req.method === 'HEAD' ? undefined : answer.body);
    } catch (err) {
      sendError(res, err, 'test');
    }
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

describe('the go command through a sumdb-proxying GOPROXY', () => {
  let fixture: FixtureProxy;
  let db: TestSumdb;
  let env: ClientEnv;
  let proxy: SumdbProxyServer;
  let go: GoSandbox;
  const goEnv = () => ({ GOSUMDB: db.verifierKey, GONOSUMDB: '', GOPRIVATE: '', GONOPROXY: '' });

  before(async () => {
    fixture = await FixtureProxy.create(modules);
    const records = await Promise.all(modules.map((m) => recordOf(fixture, m)));
    // The database knows a different zip for example.com/tampered than the proxy serves.
    records[2] = { ...records[2]!, zipHash: fakeHash('the real tampered zip') };
    db = await TestSumdb.create({ records });
    env = clientFor(db);
    proxy = new SumdbProxyServer(fixture.url, {
      databases: [env.client],
      policy: compilePolicy({ private: PRIVATE, noVerify: '', insecure: '', vcsPolicy: '' }),
    });
    await proxy.start();
    go = await GoSandbox.create();
  });
  after(async () => {
    await proxy.close();
    await env.close();
    await db.close();
    await fixture.close();
    await go.cleanup();
  });

  test('go mod download verifies through the proxy and writes go.sum', async () => {
    const dir = await go.newModule(
      'example.com/main',
      'module example.com/main\n\ngo 1.19\n\nrequire (\n\texample.com/hello v1.0.0\n\texample.com/Upper v1.1.0\n)\n',
    );
    // With module arguments, go mod download records their sums in go.sum (go 1.17+).
    const r = await go.run(['mod', 'download', 'example.com/hello', 'example.com/Upper'], {
      proxy: proxy.url,
      cwd: dir,
      env: goEnv(),
    });
    assert.equal(r.code, 0, r.stderr);
    const sums = await readFile(join(dir, 'go.sum'), 'utf8');
    for (const m of [modules[0]!, modules[1]!]) {
      const want = await recordOf(fixture, m);
      assert.ok(sums.includes(`${m.path} ${m.version} ${want.zipHash}\n`), sums);
      assert.ok(sums.includes(`${m.path} ${m.version}/go.mod ${want.modHash}\n`), sums);
    }
    // Every lookup went through the proxy, and only the proxy talked to the database.
    assert.ok(proxy.paths.includes(`/sumdb/${db.name}/supported`), proxy.paths.join(' '));
    for (const lookup of [
      '/lookup/example.com/hello@v1.0.0',
      '/lookup/example.com/!upper@v1.1.0',
    ]) {
      assert.ok(proxy.paths.includes(`/sumdb/${db.name}${lookup}`), proxy.paths.join(' '));
      assert.ok(db.requestsFor(lookup).length === 1, db.requests.map((q) => q.path).join(' '));
    }
    assert.ok(proxy.paths.some((p) => p.startsWith(`/sumdb/${db.name}/tile/`)));
    assert.ok(db.requests.length > 0);
    assert.deepEqual(
      db.requests.filter((q) => q.userAgent !== USER_AGENT),
      [],
      'only the proxy reaches the database',
    );
  });

  test('a zip whose hash differs from the database makes the go command fail', async () => {
    const dir = await go.newModule(
      'example.com/victim',
      'module example.com/victim\n\ngo 1.19\n\nrequire example.com/tampered v1.0.0\n',
    );
    const r = await go.run(['mod', 'download'], { proxy: proxy.url, cwd: dir, env: goEnv() });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /example\.com\/tampered@v1\.0\.0: verifying module: checksum mismatch/);
    assert.match(r.stderr, /SECURITY ERROR/);
    assert.ok(proxy.paths.includes(`/sumdb/${db.name}/lookup/example.com/tampered@v1.0.0`));
  });

  test('a private module path gets 403 from the proxy and never reaches the database', async () => {
    const lookup = `/sumdb/${db.name}/lookup/example.com/private/lib@v1.0.0`;
    const res = await rawRequest(proxy.url, lookup);
    assert.equal(res.status, 403);
    assert.match(res.body.toString(), /private module/);

    const dir = await go.newModule(
      'example.com/leaky',
      'module example.com/leaky\n\ngo 1.19\n\nrequire example.com/private/lib v1.0.0\n',
    );
    const r = await go.run(['mod', 'download'], { proxy: proxy.url, cwd: dir, env: goEnv() });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /403 Forbidden/);
    assert.deepEqual(db.requestsFor('private'), []);

    // With GONOSUMDB covering it, the go command does not ask at all, and succeeds.
    const ok = await go.run(['mod', 'download'], {
      proxy: proxy.url,
      cwd: dir,
      env: { ...goEnv(), GONOSUMDB: PRIVATE },
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(db.requestsFor('private'), []);
  });

  test('an unknown database name is 404, so the go command would go elsewhere', async () => {
    const res = await rawRequest(proxy.url, '/sumdb/sum.golang.org/supported');
    assert.equal(res.status, 404);
    assert.match(res.body.toString(), /unknown checksum database/);
  });
});
