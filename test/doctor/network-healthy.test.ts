// A healthy machine, as far as the network layer sees it: every network check passes (ok or a
// skip that says there is nothing of its kind) for an https GOPROXY whose CA is installed
// (SSL_CERT_FILE), which also serves the checksum database (/sumdb/<name>/supported), and for a
// plain-http GOPROXY reached through HTTP_PROXY (the absolute URL goes to the proxy).
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { networkChecks } from '../../src/doctor/checks/network-checks.js';
import type { Finding } from '../../src/doctor/finding.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import {
  connectProxy,
  makeCerts,
  networkContext,
  tlsFront,
  type CertSet,
  type Listening,
} from './network-support.js';
import type { DoctorContext } from '../../src/doctor/doctor-context.js';

const MODULE = { path: 'example.com/hello', version: 'v1.0.0', noProxy: false, noSumdb: false };
let fixture: FixtureProxy;
let certs: CertSet;
const servers: Listening[] = [];

before(async () => {
  fixture = await FixtureProxy.create([
    { path: MODULE.path, version: MODULE.version, files: { 'hello.go': 'package hello\n' } },
  ]);
  fixture.overrides.set('sumdb/sum.golang.org/supported', { status: 200, body: '' });
  fixture.overrides.set('sumdb/sum.golang.org/latest', {
    status: 200,
    body: 'go.sum database tree\n1\nhash\n',
  });
  certs = makeCerts();
});
after(async () => {
  for (const s of servers) await s.close();
  await fixture.close();
  await rm(certs.dir, { recursive: true, force: true });
});

async function runAll(ctx: DoctorContext): Promise<Finding[]> {
  return (await Promise.all(networkChecks.map((c) => c.run(ctx)))).flat();
}

function problems(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.status === 'warn' || f.status === 'fail');
}

test('an https GOPROXY with its CA installed, serving the checksum database: every network check passes', async () => {
  const front = await tlsFront(certs.leaf('good'), Number(new URL(fixture.url).port));
  servers.push(front);
  const url = `https://127.0.0.1:${front.port}`;
  const ctx = networkContext({
    goproxy: `${url},direct`,
    gosumdb: 'sum.golang.org',
    fetched: [MODULE],
    env: { SSL_CERT_FILE: certs.caFile },
  });
  const findings = await runAll(ctx);
  assert.deepEqual(problems(findings), []);
  const ok = findings.filter((f) => f.status === 'ok').map((f) => `${f.check} ${f.subject ?? ''}`);
  assert.deepEqual(ok.sort(), [
    `network.dns 127.0.0.1`,
    `network.http ${url}`,
    'network.http sumdb sum.golang.org',
    `network.proxy-selection ${url}`,
    `network.tcp ${url}`,
    `network.tls ${url}`,
  ]);
});

test('a plain-http GOPROXY through HTTP_PROXY: the proxy gets the absolute URL, and every check passes', async () => {
  const proxy = await connectProxy(200, Number(new URL(fixture.url).port));
  servers.push(proxy);
  const url = 'http://goproxy.example.test';
  const ctx = networkContext({
    goproxy: `${url},off`,
    fetched: [MODULE],
    env: {
      HTTP_PROXY: `http://127.0.0.1:${proxy.port}`,
      http_proxy: `http://127.0.0.1:${proxy.port}`,
    },
  });
  const findings = await runAll(ctx);
  assert.deepEqual(problems(findings), []);
  assert.deepEqual(proxy.connects, [`GET ${url}/example.com/hello/@v/list HTTP/1.1`]);
  const http = findings.find((f) => f.check === 'network.http');
  assert.equal(http?.status, 'ok');
  assert.match(http?.summary ?? '', /answers HTTP 200 OK/);
});
