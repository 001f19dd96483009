// network.tls against real TLS servers on 127.0.0.1 in front of a fixture GOPROXY, with
// certificates made by openssl: self-signed, signed by a CA the machine lacks (then installed
// with the printed SSL_CERT_FILE fix), expired, for another name, and healthy. The real go
// command fails where doctor says it will, and succeeds after the fix.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { httpCheck } from '../../src/doctor/checks/network/http-check.js';
import { tlsCheck } from '../../src/doctor/checks/network/tls-check.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import {
  makeCerts,
  networkContext,
  oneFinding,
  tlsFront,
  type CertSet,
  type Listening,
} from './network-support.js';

const MODULE = { path: 'example.com/hello', version: 'v1.0.0', noProxy: false, noSumdb: false };
let fixture: FixtureProxy;
let go: GoSandbox;
let certs: CertSet;
const fronts: Listening[] = [];

async function front(name: Parameters<CertSet['leaf']>[0]): Promise<string> {
  const f = await tlsFront(certs.leaf(name), Number(new URL(fixture.url).port));
  fronts.push(f);
  return `https://127.0.0.1:${f.port}`;
}

async function goDownload(
  url: string,
  env: Record<string, string> = {},
): Promise<{ code: number; text: string }> {
  await go.clearModCache();
  const r = await go.run(['mod', 'download', '-json', `${MODULE.path}@${MODULE.version}`], {
    proxy: `${url},off`,
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
  for (const f of fronts) await f.close();
  await fixture.close();
  await go.cleanup();
  await rm(certs.dir, { recursive: true, force: true });
});

test('a self-signed certificate: unknown authority, named as an intercepting proxy or a missing company CA', async () => {
  const url = await front('self-signed');
  const ctx = networkContext({ goproxy: `${url},off`, fetched: [MODULE] });
  const f = await oneFinding(tlsCheck, ctx, url);
  assert.equal(f.status, 'fail');
  assert.equal(
    f.summary,
    `127.0.0.1:${new URL(url).port}'s certificate is signed by an unknown authority (CN=self-signed): a TLS-intercepting proxy or a company CA that is not installed (doctor cannot tell which for sure)`,
  );
  assert.ok(
    f.fix?.includes(
      'sudo cp company-root-ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates   # Debian/Ubuntu',
    ),
  );
  assert.ok(f.fix?.some((l) => l.startsWith('export SSL_CERT_FILE=')));
  assert.ok(
    f.details?.some((l) => l.startsWith('0 subject: CN=self-signed / issuer: CN=self-signed')),
    f.details?.join('\n'),
  );
  const http = await oneFinding(httpCheck, ctx, url);
  assert.equal(http.status, 'skip');
  assert.match(http.summary, /\(see network\.tls\)$/);
  const r = await goDownload(url);
  assert.notEqual(r.code, 0);
  assert.match(r.text, /x509: certificate signed by unknown authority/);
});

test('a company CA that is not installed: go fails before, and both doctor and go pass once SSL_CERT_FILE names the CA', async () => {
  const url = await front('good');
  const before = await oneFinding(
    tlsCheck,
    networkContext({ goproxy: `${url},off`, fetched: [MODULE] }),
    url,
  );
  assert.equal(before.status, 'fail');
  assert.match(
    before.summary,
    /signed by an unknown authority \(CN=modgate doctor test CA, O=Test Corp\): a TLS-intercepting proxy or a company CA/,
  );
  assert.notEqual((await goDownload(url)).code, 0);

  // The printed fix, with the company CA's file: SSL_CERT_FILE (the go command reads only that file then).
  const env = { SSL_CERT_FILE: certs.caFile };
  const ctx = networkContext({ goproxy: `${url},off`, fetched: [MODULE], env });
  const after = await oneFinding(tlsCheck, ctx, url);
  assert.equal(after.status, 'ok', JSON.stringify(after));
  assert.match(
    after.summary,
    /^127\.0\.0\.1:\d+: certificate for 127\.0\.0\.1 verifies \(CN=modgate doctor test CA, O=Test Corp, \d+ days left\)$/,
  );
  assert.ok(after.details?.[0]?.includes(`${certs.caFile} (SSL_CERT_FILE)`));
  assert.equal((await oneFinding(httpCheck, ctx, url)).status, 'ok');
  const r = await goDownload(url, env);
  assert.equal(r.code, 0, r.text);
});

test('an expired certificate from a trusted CA', async () => {
  const url = await front('expired');
  const env = { SSL_CERT_FILE: certs.caFile };
  const f = await oneFinding(
    tlsCheck,
    networkContext({ goproxy: `${url},off`, fetched: [MODULE], env }),
    url,
  );
  assert.equal(f.status, 'fail');
  assert.match(
    f.summary,
    /^the certificate of 127\.0\.0\.1:\d+ expired on \d{4}-\d\d-\d\dT[\d:.]+Z \(CN=expired\)$/,
  );
  assert.deepEqual(f.fix, [
    '# the operators of 127.0.0.1 must renew the certificate',
    "date -u   # if many hosts fail like this, check this machine's clock",
  ]);
  const r = await goDownload(url, env);
  assert.notEqual(r.code, 0);
  assert.match(r.text, /x509: certificate has expired or is not yet valid/);
});

test('a certificate for another name', async () => {
  const url = await front('wrong-name');
  const env = { SSL_CERT_FILE: certs.caFile };
  const f = await oneFinding(
    tlsCheck,
    networkContext({ goproxy: `${url},off`, fetched: [MODULE], env }),
    url,
  );
  assert.equal(f.status, 'fail');
  assert.match(
    f.summary,
    /^127\.0\.0\.1:\d+'s certificate is not for 127\.0\.0\.1: .*127\.0\.0\.1.*$/,
  );
  assert.ok(f.fix?.[0]?.includes('DNS:other.example.com'), f.fix?.join('\n'));
  const r = await goDownload(url, env);
  assert.notEqual(r.code, 0);
  assert.match(r.text, /x509: cannot validate certificate for 127\.0\.0\.1/);
});
