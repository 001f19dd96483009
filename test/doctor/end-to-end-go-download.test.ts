import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gitLsRemoteCheck } from '../../src/doctor/checks/credentials/git-ls-remote-check.js';
import { classifyGoError } from '../../src/doctor/checks/end-to-end/classify-go-error.js';
import { goDownloadCheck } from '../../src/doctor/checks/end-to-end/go-download-check.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { refusedPort } from '../support/net.js';
import { applyFix, PRIVATE_MODULE, PrivateGitHost } from './credentials-fixture.js';
import { DoctorSandbox, oneFinding } from './doctor-sandbox.js';

/**
 * The end-to-end probe: the real go command downloads one public module (from a GOPROXY
 * fixture on 127.0.0.1) and one private module (direct, from a git host that wants Basic auth)
 * with the machine's settings in a throwaway module cache. Without credentials the private
 * download fails and the finding names the credentials layer; with the .netrc lines the
 * credentials layer printed (the test's password in place of the placeholder) both succeed,
 * as does the go command in the project itself. A GOPROXY that refuses connections names the
 * network layer.
 */
describe('doctor end to end: go mod download of a public and a private module', () => {
  const PUBLIC = 'example.com/pub';
  let box: DoctorSandbox;
  let host: PrivateGitHost;
  let proxy: FixtureProxy;
  let dir: string;
  let env: Record<string, string | undefined>;

  before(async () => {
    box = await DoctorSandbox.create();
    host = await PrivateGitHost.start();
    await host.writeGitConfig(join(box.root, 'home'));
    proxy = await FixtureProxy.create([
      { path: PUBLIC, version: 'v1.0.0', files: { 'pub.go': 'package pub\n' } },
    ]);
    dir = await box.module('app', {
      'go.mod': `module example.com/app\n\ngo 1.19\n\nrequire (\n\t${PUBLIC} v1.0.0\n\t${PRIVATE_MODULE} v1.0.0\n)\n`,
    });
    env = box.env({
      GOPROXY: proxy.url,
      GOPRIVATE: 'example.invalid',
      GOSUMDB: 'off',
      GIT_CONFIG_NOSYSTEM: '1',
    });
  });
  after(async () => {
    await proxy?.close();
    await host?.close();
    await box?.cleanup();
  });

  test('no credentials: public ok, private fails pointing at the credentials layer; the printed fix makes both work', async () => {
    await rm(join(box.root, 'home', '.netrc'), { force: true });
    const ctx = await box.context(dir, env, { probeTimeoutMs: 20_000 });
    const pub = await oneFinding(goDownloadCheck, ctx, `${PUBLIC}@v1.0.0`);
    assert.equal(pub.status, 'ok', JSON.stringify(pub));
    assert.equal(pub.summary, `go mod download (public, through GOPROXY=${proxy.url}) works`);
    const priv = await oneFinding(goDownloadCheck, ctx, `${PRIVATE_MODULE}@v1.0.0`);
    assert.equal(priv.status, 'fail');
    assert.equal(
      priv.summary,
      'go mod download (private) failed: git has no (accepted) credentials ' +
        'for the private repository → read the credentials findings ' +
        '(credentials.git-ls-remote, credentials.netrc, credentials.ssh)',
    );
    assert.ok(
      priv.details?.some((d) => /terminal prompts disabled/.test(d)),
      String(priv.details),
    );
    const go = await box.go(['mod', 'download'], dir, {
      ...env,
      GOMODCACHE: await box.freshModCache('before'),
    });
    assert.notEqual(go.code, 0, 'the go command in the project fails too');

    const creds = await oneFinding(gitLsRemoteCheck, ctx, PRIVATE_MODULE);
    await applyFix(creds.fix, env, { '<user>': host.user, '<token>': host.password });
    const fixed = await box.context(dir, env, { probeTimeoutMs: 20_000 });
    const all = await goDownloadCheck.run(fixed);
    assert.deepEqual(
      all.map((f) => [f.subject, f.status]),
      [
        [`${PUBLIC}@v1.0.0`, 'ok'],
        [`${PRIVATE_MODULE}@v1.0.0`, 'ok'],
      ],
    );
    assert.ok(!JSON.stringify(all).includes(host.password));
    const after = await box.go(['mod', 'download'], dir, {
      ...env,
      GOMODCACHE: await box.freshModCache('after'),
    });
    assert.equal(after.code, 0, after.stdout + after.stderr);
  });

  test('a GOPROXY that refuses connections: the public download names the network layer', async () => {
    const closed = `http://127.0.0.1:${await refusedPort()}`;
    const ctx = await box.context(dir, { ...env, GOPROXY: closed }, { probeTimeoutMs: 20_000 });
    const pub = await oneFinding(goDownloadCheck, ctx, `${PUBLIC}@v1.0.0`);
    assert.equal(pub.status, 'fail');
    assert.match(
      pub.summary,
      /TCP: a connection was refused or timed out → read the network findings \(network\.tcp\)$/,
    );
    assert.ok(
      pub.details?.some((d) => /connection refused/.test(d)),
      String(pub.details),
    );
  });

  test('not in a module: skipped', async () => {
    const ctx = await box.context(join(box.root, 'tmp'), env, { offline: true });
    const found = await goDownloadCheck.run(ctx);
    assert.deepEqual(
      found.map((f) => f.status),
      ['skip'],
    );
  });
});

test('classifyGoError: the go command texts of each layer', () => {
  const cases: Array<[string, string | undefined]> = [
    [
      'example.com/m@v1.0.0: verifying module: checksum mismatch\n\tdownloaded: h1:a\n\tgo.sum:     h1:b\n\nSECURITY ERROR',
      'module.go-sum',
    ],
    [
      'Get "https://proxy.corp/x/@v/list": x509: certificate signed by unknown authority',
      'network.tls',
    ],
    [
      'Get "https://proxy.golang.org/x/@v/list": proxyconnect tcp: dial tcp 127.0.0.1:3128: connect: connection refused',
      'network.proxy-selection',
    ],
    ['Get "https://proxy.corp/x/@v/list": dial tcp 10.0.0.1:443: i/o timeout', 'network.tcp'],
    ['dial tcp: lookup proxy.corp on 127.0.0.53:53: no such host', 'network.dns'],
    [
      "git ls-remote -q origin: exit status 128:\n\tfatal: could not read Username for 'https://git.corp': terminal prompts disabled",
      'credentials.git-ls-remote',
    ],
    [
      'verifying module: git.corp/x@v1.0.0: reading https://sum.golang.org/lookup/git.corp/x@v1.0.0: 404 Not Found',
      'go.private-patterns',
    ],
    [
      'git.corp/x@v1.0.0: reading https://proxy.golang.org/git.corp/x/@v/v1.0.0.info: 410 Gone',
      'go.private-patterns',
    ],
    ['reading https://modgate.corp/x/@v/list: 401 Unauthorized', 'credentials.netrc'],
    [
      'unrecognized import path "vanity.corp/x": https fetch: Get "https://vanity.corp/x?go-get=1": EOF',
      'network.http',
    ],
    ['something nobody has seen', undefined],
  ];
  for (const [text, first] of cases) assert.equal(classifyGoError(text)?.checks[0], first, text);
});
