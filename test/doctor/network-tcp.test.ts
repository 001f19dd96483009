// network.tcp and what the later stages say about the same host: a GOPROXY that refuses
// connections (a port with nothing listening) and a healthy fixture GOPROXY, both real on
// 127.0.0.1; the real go command confirms the refused one fails.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { httpCheck } from '../../src/doctor/checks/network/http-check.js';
import { tcpCheck } from '../../src/doctor/checks/network/tcp-check.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { refusedPort } from '../support/net.js';
import { networkContext, oneFinding } from './network-support.js';

const MODULE = { path: 'example.com/hello', version: 'v1.0.0', noProxy: false, noSumdb: false };
let fixture: FixtureProxy;
let go: GoSandbox;

before(async () => {
  fixture = await FixtureProxy.create([
    { path: MODULE.path, version: MODULE.version, files: { 'hello.go': 'package hello\n' } },
  ]);
  go = await GoSandbox.create();
});
after(async () => {
  await fixture.close();
  await go.cleanup();
});

test('a GOPROXY that refuses connections: tcp fails (refused, nothing listening), http skips pointing at tcp; go fails too', async () => {
  const port = await refusedPort();
  const url = `http://127.0.0.1:${port}`;
  const ctx = networkContext({ goproxy: `${url},off`, fetched: [MODULE] });
  const tcp = await oneFinding(tcpCheck, ctx, url);
  assert.equal(tcp.status, 'fail');
  assert.equal(
    tcp.summary,
    `connection to 127.0.0.1:${port} refused: nothing listens there (wrong port, or the service is down)`,
  );
  assert.ok(
    tcp.fix?.some((l) => l.startsWith('go env -w GOPROXY=')),
    tcp.fix?.join('\n'),
  );
  assert.ok(tcp.fix?.some((l) => l.includes('nothing listens on that port')));
  // With the company's modgate known (--server), the fix is its recommended GOPROXY.
  const server = {
    url: 'https://modgate.corp.example',
    goproxy: 'https://modgate.corp.example,off',
    private: '',
    gosumdb: '',
    credentials: false,
  };
  const withServer = await oneFinding(tcpCheck, { ...ctx, server }, url);
  assert.equal(
    withServer.fix?.at(-1),
    "go env -w GOPROXY=https://modgate.corp.example,off   # what the company's modgate recommends",
  );
  const http = await oneFinding(httpCheck, ctx, url);
  assert.equal(http.status, 'skip');
  assert.match(
    http.summary,
    /^not tried: connection to 127\.0\.0\.1:\d+ refused.*\(see network\.tcp\)$/,
  );

  const r = await go.run(['mod', 'download', '-json', `${MODULE.path}@${MODULE.version}`], {
    proxy: `${url},off`,
  });
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /connection refused/);
});

test('a healthy GOPROXY: tcp connects, http lists the first public module with 200', async () => {
  const ctx = networkContext({ goproxy: `${fixture.url},off`, fetched: [MODULE] });
  const tcp = await oneFinding(tcpCheck, ctx, fixture.url);
  assert.equal(tcp.status, 'ok');
  assert.match(tcp.summary, /^connected to 127\.0\.0\.1:\d+ in \d+ ms$/);
  const http = await oneFinding(httpCheck, ctx, fixture.url);
  assert.equal(http.status, 'ok', JSON.stringify(http));
  assert.match(http.summary, /answers HTTP 200 OK \(\d+ ms to first byte\)$/);
  assert.ok(fixture.requests.includes('/example.com/hello/@v/list'));
});

test('a private module path is never sent to a GOPROXY entry: the probe uses the base URL', async () => {
  const before = fixture.requests.length;
  const ctx = networkContext({
    goproxy: `${fixture.url},off`,
    fetched: [
      { path: 'corp.example.com/secret', version: 'v1.0.0', noProxy: false, noSumdb: true },
    ],
  });
  const http = await oneFinding(httpCheck, ctx, fixture.url);
  assert.equal(http.status, 'ok');
  assert.match(http.summary, /is alive \(HTTP 404 Not Found for the base URL/);
  assert.deepEqual(fixture.requests.slice(before), ['/']);
});
