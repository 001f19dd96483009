// network.proxy-connect with a real outbound HTTP proxy on 127.0.0.1 in HTTPS_PROXY: one that
// refuses CONNECT (403), one that wants credentials (407, with and without them in the URL),
// and one that opens the tunnel to a TLS fixture GOPROXY — the real go command agrees each time.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { dnsCheck } from '../../src/doctor/checks/network/dns-check.js';
import { httpCheck } from '../../src/doctor/checks/network/http-check.js';
import { proxyConnectCheck } from '../../src/doctor/checks/network/proxy-connect-check.js';
import { tlsCheck } from '../../src/doctor/checks/network/tls-check.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import {
  PROXIED_HOST,
  connectProxy,
  makeCerts,
  networkContext,
  oneFinding,
  runCheck,
  tlsFront,
  type CertSet,
  type Listening,
} from './network-support.js';

const MODULE = { path: 'example.com/hello', version: 'v1.0.0', noProxy: false, noSumdb: false };
const GOPROXY = `https://${PROXIED_HOST}`;
let fixture: FixtureProxy;
let go: GoSandbox;
let certs: CertSet;
const servers: Listening[] = [];

async function goDownload(env: Record<string, string>): Promise<{ code: number; text: string }> {
  await go.clearModCache();
  const r = await go.run(['mod', 'download', '-json', `${MODULE.path}@${MODULE.version}`], {
    proxy: `${GOPROXY},off`,
    env,
  });
  return { code: r.code, text: r.stdout + r.stderr };
}

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

test('an HTTPS_PROXY that refuses CONNECT (403): proxy-connect fails with the NO_PROXY alternative, tls skips; go fails too', async () => {
  const proxy = await connectProxy(403);
  servers.push(proxy);
  const env = { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` };
  const ctx = networkContext({ goproxy: `${GOPROXY},off`, fetched: [MODULE], env });
  const f = await oneFinding(proxyConnectCheck, ctx, GOPROXY);
  assert.equal(f.status, 'fail');
  assert.equal(
    f.summary,
    `http://127.0.0.1:${proxy.port} refuses to tunnel to ${PROXIED_HOST}:443 (403 Forbidden)`,
  );
  assert.deepEqual(f.fix, [
    `# ask the proxy's administrators to allow CONNECT to ${PROXIED_HOST}:443`,
    `# or, if ${PROXIED_HOST} is reachable without the proxy (an internal host): export NO_PROXY=${PROXIED_HOST} no_proxy=${PROXIED_HOST}`,
  ]);
  assert.deepEqual(proxy.connects, [`${PROXIED_HOST}:443`]);
  // The go command resolves only the proxy (an IP address here); the proxy resolves the target.
  const dns = await runCheck(dnsCheck, ctx);
  assert.deepEqual(
    dns.map((d) => [d.subject, d.status]),
    [['127.0.0.1', 'ok']],
  );
  const tls = await oneFinding(tlsCheck, ctx, GOPROXY);
  assert.equal(tls.status, 'skip');
  assert.match(
    tls.summary,
    /^not tried: the proxy answered CONNECT with HTTP\/1\.1 403 Forbidden \(see network\.proxy-connect\)$/,
  );

  const r = await goDownload(env);
  assert.notEqual(r.code, 0);
  assert.match(r.text, /Forbidden/);
});

test('a proxy that wants credentials (407): without them, and refusing the ones in the URL (never printed)', async () => {
  const proxy = await connectProxy(407);
  servers.push(proxy);
  const bare = networkContext({
    goproxy: `${GOPROXY},off`,
    env: { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` },
  });
  const f = await oneFinding(proxyConnectCheck, bare, GOPROXY);
  assert.equal(f.status, 'fail');
  assert.equal(
    f.summary,
    `http://127.0.0.1:${proxy.port} wants credentials (407 Proxy Authentication Required) for CONNECT ${PROXIED_HOST}:443`,
  );
  assert.equal(
    f.fix?.[0],
    `export HTTPS_PROXY=http://<user>:<password>@127.0.0.1:${proxy.port}   # URL-encode special characters in the password`,
  );

  const withCreds = networkContext({
    goproxy: `${GOPROXY},off`,
    env: { https_proxy: `http://bob:s3cret@127.0.0.1:${proxy.port}` },
  });
  const g = await oneFinding(proxyConnectCheck, withCreds, GOPROXY);
  assert.equal(g.status, 'fail');
  assert.equal(
    g.summary,
    `http://xxxxx@127.0.0.1:${proxy.port} refuses the credentials in https_proxy (407 Proxy Authentication Required) for CONNECT ${PROXIED_HOST}:443`,
  );
  assert.equal(
    proxy.authorizations.at(-1),
    'Basic ' + Buffer.from('bob:s3cret').toString('base64'),
  );
  assert.ok(!JSON.stringify(g).includes('s3cret'));
});

test('a proxy that opens the tunnel: proxy-connect, tls (SNI through the tunnel) and http pass, and go downloads through it', async () => {
  const front = await tlsFront(certs.leaf('proxied'), Number(new URL(fixture.url).port));
  const proxy = await connectProxy(200, front.port);
  servers.push(front, proxy);
  const env = { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`, SSL_CERT_FILE: certs.caFile };
  const ctx = networkContext({ goproxy: `${GOPROXY},off`, fetched: [MODULE], env });
  const f = await oneFinding(proxyConnectCheck, ctx, GOPROXY);
  assert.equal(f.status, 'ok', JSON.stringify(f));
  assert.match(
    f.summary,
    new RegExp(
      `^http://127\\.0\\.0\\.1:${proxy.port} opens a tunnel to ${PROXIED_HOST}:443 \\(\\d+ ms\\)$`,
    ),
  );
  const tls = await oneFinding(tlsCheck, ctx, GOPROXY);
  assert.equal(tls.status, 'ok', JSON.stringify(tls));
  const http = await oneFinding(httpCheck, ctx, GOPROXY);
  assert.equal(http.status, 'ok', JSON.stringify(http));
  assert.ok(fixture.requests.includes('/example.com/hello/@v/list'));

  const r = await goDownload(env);
  assert.equal(r.code, 0, r.text);
});
