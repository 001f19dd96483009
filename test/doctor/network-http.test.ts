// network.http against real servers on 127.0.0.1: a GOPROXY that accepts connections and never
// answers (bounded by a small probeTimeoutMs), one that wants credentials, one failing with 5xx,
// one without the module; the checksum database named by GOSUMDB and reached through GOPROXY's
// /sumdb/ (or not); a private host's go-get lookup through the outbound proxy's tunnel.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { httpCheck } from '../../src/doctor/checks/network/http-check.js';
import { tcpCheck } from '../../src/doctor/checks/network/tcp-check.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import {
  PROXIED_HOST,
  connectProxy,
  makeCerts,
  networkContext,
  oneFinding,
  runCheck,
  silentServer,
  tlsFront,
  type CertSet,
  type Listening,
} from './network-support.js';

const MODULE = { path: 'example.com/hello', version: 'v1.0.0', noProxy: false, noSumdb: false };
let fixture: FixtureProxy;
let go: GoSandbox;
let certs: CertSet;
const servers: Listening[] = [];

before(async () => {
  fixture = await FixtureProxy.create([
    { path: MODULE.path, version: MODULE.version, files: { 'hello.go': 'package hello\n' } },
  ]);
  go = await GoSandbox.create();
  certs = makeCerts();
});
after(async () => {
  for (const s of servers) await s.close();
  await fixture.close();
  await go.cleanup();
  await rm(certs.dir, { recursive: true, force: true });
});

test('a GOPROXY that accepts the connection and never answers: tcp ok, http fails within the probe time', async () => {
  const silent = await silentServer();
  servers.push(silent);
  const url = `http://127.0.0.1:${silent.port}`;
  const ctx = networkContext({ goproxy: `${url},off`, fetched: [MODULE], probeTimeoutMs: 1500 });
  assert.equal((await oneFinding(tcpCheck, ctx, url)).status, 'ok');
  const f = await oneFinding(httpCheck, ctx, url);
  assert.equal(f.status, 'fail');
  assert.equal(
    f.summary,
    `GET ${url}/example.com/hello/@v/list: connected, but no HTTP answer within 1500 ms (the server hangs, or something in the way holds the connection)`,
  );
  assert.deepEqual(f.fix, [
    `curl -v --max-time 30 '${url}/example.com/hello/@v/list'   # the same request, to see where it stops`,
  ]);
});

test('401, 5xx and 404 from a GOPROXY: alive but wants credentials, server error, module not there; go agrees', async () => {
  const ctx = networkContext({ goproxy: `${fixture.url},off`, fetched: [MODULE] });
  fixture.overrides.set('example.com/hello/@v/list', { status: 401, body: 'who are you' });
  let f = await oneFinding(httpCheck, ctx, fixture.url);
  assert.equal(f.status, 'warn');
  assert.equal(f.summary, `${fixture.url} is alive but wants credentials (HTTP 401 Unauthorized)`);
  assert.deepEqual(f.fix, [
    '# add to ~/.netrc (then chmod 600 ~/.netrc): machine 127.0.0.1 login <user> password <token>',
  ]);
  fixture.overrides.set('example.com/hello/@v/v1.0.0.info', { status: 401, body: 'who are you' });
  const r = await go.run(['mod', 'download', `${MODULE.path}@${MODULE.version}`], {
    proxy: `${fixture.url},off`,
  });
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /401 Unauthorized/);
  fixture.overrides.delete('example.com/hello/@v/v1.0.0.info');

  fixture.overrides.set('example.com/hello/@v/list', { status: 502, body: 'upstream down' });
  f = await oneFinding(httpCheck, ctx, fixture.url);
  assert.equal(f.status, 'fail');
  assert.equal(f.summary, `${fixture.url} answers with a server error (HTTP 502 Bad Gateway)`);
  assert.match(f.fix?.[0] ?? '', /go env -w GOPROXY=<this entry>\|<next entry>/);
  fixture.overrides.delete('example.com/hello/@v/list');

  const missing = { ...MODULE, path: 'example.com/missing' };
  f = await oneFinding(
    httpCheck,
    networkContext({ goproxy: `${fixture.url},off`, fetched: [missing] }),
    fixture.url,
  );
  assert.equal(f.status, 'warn');
  assert.equal(
    f.summary,
    `${fixture.url} does not have example.com/missing (HTTP 404 Not Found): the go command tries the next GOPROXY entry`,
  );
});

test('the checksum database named by GOSUMDB: /latest answers (ok), or 404 (not a checksum database)', async () => {
  const gosumdb = `sum.golang.org ${fixture.url}/sumdb/sum.golang.org`;
  const ctx = networkContext({ goproxy: 'direct', gosumdb, fetched: [MODULE] });
  const subject = `${fixture.url}/sumdb/sum.golang.org`;
  fixture.overrides.set('sumdb/sum.golang.org/latest', {
    status: 200,
    body: 'go.sum database tree\n1\nhash\n',
  });
  let f = await oneFinding(httpCheck, ctx, subject);
  assert.equal(f.status, 'ok', JSON.stringify(f));
  fixture.overrides.delete('sumdb/sum.golang.org/latest');
  f = await oneFinding(httpCheck, ctx, subject);
  assert.equal(f.status, 'fail');
  assert.equal(f.summary, `${subject} is not a checksum database (HTTP 404 Not Found for /latest)`);
  assert.deepEqual(f.fix, ['go env GOSUMDB   # check the URL part of "name key url"']);
});

test("the checksum database through GOPROXY's /sumdb/: served (ok), refused after a ',' (fail), not served (direct, which fails here)", async () => {
  const ctx = networkContext({
    goproxy: `${fixture.url},off`,
    gosumdb: 'sum.golang.org',
    fetched: [MODULE],
  });
  fixture.overrides.set('sumdb/sum.golang.org/supported', { status: 200, body: '' });
  fixture.overrides.set('sumdb/sum.golang.org/latest', {
    status: 200,
    body: 'go.sum database tree\n1\nhash\n',
  });
  let f = await oneFinding(httpCheck, ctx, 'sumdb sum.golang.org');
  assert.equal(f.status, 'ok', JSON.stringify(f));
  assert.match(
    f.summary,
    new RegExp(
      `^the checksum database sum\\.golang\\.org answers through ${fixture.url} \\(\\d+ ms to first byte\\)$`,
    ),
  );

  fixture.overrides.set('sumdb/sum.golang.org/supported', { status: 500, body: 'broken' });
  f = await oneFinding(httpCheck, ctx, 'sumdb sum.golang.org');
  assert.equal(f.status, 'fail');
  assert.equal(
    f.summary,
    `the checksum database sum.golang.org is unavailable: ${fixture.url} answered 500 for /sumdb/sum.golang.org/supported, and the go command stops there`,
  );
  fixture.overrides.delete('sumdb/sum.golang.org/supported');
  fixture.overrides.delete('sumdb/sum.golang.org/latest');

  // Not served: the go command would go to https://<name> directly. A name under .test resolves
  // nowhere, so this stays on the machine (the resolver may ask its name server; no answer is a fail too).
  const key = 'sum.example.test+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  const direct = networkContext({
    goproxy: `${fixture.url},off`,
    gosumdb: key,
    fetched: [MODULE],
    probeTimeoutMs: 3000,
  });
  f = await oneFinding(httpCheck, direct, 'sumdb sum.example.test');
  assert.equal(f.status, 'fail');
  assert.match(
    f.summary,
    /^the checksum database sum\.example\.test is reached directly \(no GOPROXY entry serves it\), and https:\/\/sum\.example\.test fails: /,
  );
  assert.ok(
    f.details?.includes(`GET ${fixture.url}/sumdb/sum.example.test/supported: 404`),
    f.details?.join('\n'),
  );
});

test("a private module's host: the go-get lookup through the outbound proxy's tunnel, and a private path never goes to a GOPROXY", async () => {
  fixture.overrides.set('team/lib', {
    status: 200,
    contentType: 'text/html',
    body: `<html><head><meta name="go-import" content="${PROXIED_HOST}/team/lib git https://${PROXIED_HOST}/team/lib.git"></head></html>`,
  });
  const front = await tlsFront(certs.leaf('proxied'), Number(new URL(fixture.url).port));
  const proxy = await connectProxy(200, front.port);
  servers.push(front, proxy);
  const fetched = [
    MODULE,
    { path: `${PROXIED_HOST}/team/lib`, version: 'v1.0.0', noProxy: true, noSumdb: true },
  ];
  const env = { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`, SSL_CERT_FILE: certs.caFile };
  const before = fixture.requests.length;
  const findings = await runCheck(
    httpCheck,
    networkContext({ goproxy: `${fixture.url},off`, fetched, env }),
  );
  const f = findings.find((x) => x.subject === `https://${PROXIED_HOST}`);
  assert.equal(f?.status, 'ok', JSON.stringify(findings));
  assert.ok(
    f?.details?.includes(
      `go-import: ${PROXIED_HOST}/team/lib git https://${PROXIED_HOST}/team/lib.git`,
    ),
  );
  const seen = fixture.requests.slice(before).sort();
  assert.deepEqual(seen, ['/example.com/hello/@v/list', '/team/lib']);
  fixture.overrides.delete('team/lib');
});

test('a redirect: ok, with where it goes (credentials hidden), since the go command follows it', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(302, { Location: 'https://user:secret@mirror.example.com/x/' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const f = await oneFinding(
      httpCheck,
      networkContext({ goproxy: `${url},off`, fetched: [MODULE] }),
      url,
    );
    assert.equal(f.status, 'ok');
    assert.match(f.summary, /answers HTTP 302 Found/);
    assert.ok(
      f.details?.includes(
        'redirects to https://xxxxx@mirror.example.com/x/ (the go command follows redirects: that server must answer too)',
      ),
      f.details?.join('\n'),
    );
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('credentials in a plain-http GOPROXY URL: the go command refuses to send them, and doctor says so without printing them', async () => {
  const port = new URL(fixture.url).port;
  const goproxy = `http://bob:s3cret@127.0.0.1:${port}`;
  const before = fixture.requests.length;
  const f = await oneFinding(
    httpCheck,
    networkContext({ goproxy: `${goproxy},off`, fetched: [MODULE] }),
    `http://xxxxx@127.0.0.1:${port}`,
  );
  assert.equal(f.status, 'fail');
  assert.equal(
    f.summary,
    `the go command refuses to pass credentials to insecure URL http://xxxxx@127.0.0.1:${port}`,
  );
  assert.ok(!JSON.stringify(f).includes('s3cret'));
  assert.equal(fixture.requests.length, before);
  await go.clearModCache();
  const r = await go.run(['mod', 'download', `${MODULE.path}@${MODULE.version}`], {
    proxy: `${goproxy},off`,
  });
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /refusing to pass credentials to insecure URL/);
});

test('an https GOPROXY that wants credentials: none in .netrc (warn), refused ones (fail), accepted ones (ok; go downloads) — never printed', async () => {
  const expected = 'Basic ' + Buffer.from('bob:right-token').toString('base64');
  const backend = createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="modgate"' }).end('who are you\n');
      return;
    }
    const upstream = request(`${fixture.url}${req.url ?? '/'}`, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.end();
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const front = await tlsFront(certs.leaf('good'), (backend.address() as AddressInfo).port);
  servers.push(front);
  const url = `https://127.0.0.1:${front.port}`;
  const home = await mkdtemp(join(tmpdir(), 'modgate-doctor-netrc-'));
  const netrc = join(home, '.netrc');
  const env = { SSL_CERT_FILE: certs.caFile, HOME: home };
  const ctx = networkContext({ goproxy: `${url},off`, fetched: [MODULE], env });
  try {
    let f = await oneFinding(httpCheck, ctx, url);
    assert.equal(f.status, 'warn');
    assert.equal(f.summary, `${url} is alive but wants credentials (HTTP 401 Unauthorized)`);

    await writeFile(netrc, 'machine 127.0.0.1 login bob password wrong-token\n', { mode: 0o600 });
    f = await oneFinding(httpCheck, ctx, url);
    assert.equal(f.status, 'fail');
    assert.equal(
      f.summary,
      `${url} refuses the credentials from ${netrc} (machine 127.0.0.1) (HTTP 401 Unauthorized)`,
    );
    assert.deepEqual(f.fix, [
      `# renew the token or password of machine 127.0.0.1 in ${netrc} (keep it chmod 600)`,
    ]);
    assert.ok(!JSON.stringify(f).includes('wrong-token'));
    await go.clearModCache();
    let r = await go.run(['mod', 'download', `${MODULE.path}@${MODULE.version}`], {
      proxy: `${url},off`,
      env,
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /401 Unauthorized/);

    await writeFile(netrc, 'machine 127.0.0.1 login bob password right-token\n', { mode: 0o600 });
    f = await oneFinding(httpCheck, ctx, url);
    assert.equal(f.status, 'ok', JSON.stringify(f));
    assert.ok(!JSON.stringify(f).includes('right-token'));
    await go.clearModCache();
    r = await go.run(['mod', 'download', `${MODULE.path}@${MODULE.version}`], {
      proxy: `${url},off`,
      env,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  } finally {
    backend.closeAllConnections();
    await new Promise<void>((resolve) => backend.close(() => resolve()));
    await rm(home, { recursive: true, force: true });
  }
});
