// network.proxy-selection: Go's httpproxy rules as a table (vectors after x/net's
// proxy_test.go), then the check's findings: NO_PROXY covering a host (no proxy used — the
// outbound proxy sees no CONNECT) and missing a private git host, upper/lower-case conflicts
// (the real go command takes the upper-case one), a proxy without a scheme.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  goProxyFor,
  noProxyMatch,
  readGoProxyEnv,
} from '../../src/doctor/checks/network/go-proxy-rules.js';
import { httpCheck } from '../../src/doctor/checks/network/http-check.js';
import { proxySelectionCheck } from '../../src/doctor/checks/network/proxy-selection-check.js';
import { GoSandbox } from '../support/go-sandbox.js';
import {
  connectProxy,
  networkContext,
  oneFinding,
  runCheck,
  type Listening,
} from './network-support.js';

const servers: Listening[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

test("Go's NO_PROXY matching", () => {
  const cases: [string, string, string, boolean][] = [
    // [NO_PROXY, host, port, exempt]
    ['foo.com', 'foo.com', '443', true],
    ['foo.com', 'bar.foo.com', '443', true],
    ['foo.com', 'barfoo.com', '443', false],
    ['.foo.com', 'foo.com', '443', false],
    ['.foo.com', 'x.foo.com', '443', true],
    ['*.foo.com', 'x.foo.com', '443', true],
    ['*.foo.com', 'foo.com', '443', false],
    ['foo.com:80', 'foo.com', '443', false],
    ['foo.com:443', 'foo.com', '443', true],
    [' Foo.COM ', 'foo.com', '443', true],
    ['*', 'anything.example', '443', true],
    ['10.0.0.0/8', '10.1.2.3', '443', true],
    ['10.0.0.0/8', '11.1.2.3', '443', false],
    ['10.1.2.3', '10.1.2.3', '443', true],
    ['10.1.2.3:80', '10.1.2.3', '443', false],
    ['[::1]:443', '::1', '443', true],
    ['fd00::/8', 'fd12::1', '443', true],
    ['a.com,,b.com', 'b.com', '443', true],
    ['', 'foo.com', '443', false],
  ];
  for (const [noProxy, host, port, exempt] of cases) {
    assert.equal(
      noProxyMatch(noProxy, host, port) !== undefined,
      exempt,
      `${noProxy} ${host}:${port}`,
    );
  }
});

test('which variable the go command reads, and loopback is never proxied', () => {
  const env = readGoProxyEnv({
    HTTPS_PROXY: '',
    https_proxy: 'proxy.corp:3128',
    HTTP_PROXY: 'http://h:1',
    NO_PROXY: 'a',
    no_proxy: 'b',
  });
  assert.deepEqual(env.https, { value: 'proxy.corp:3128', variable: 'https_proxy' });
  assert.deepEqual(env.noProxy, { value: 'a', variable: 'NO_PROXY' });
  const d = goProxyFor(env, new URL('https://proxy.golang.org/'));
  assert.equal(d.kind, 'proxy');
  assert.equal(d.kind === 'proxy' && d.proxy.href, 'http://proxy.corp:3128/');
  assert.equal(d.kind === 'proxy' && d.impliedScheme, true);
  assert.deepEqual(goProxyFor(env, new URL('https://localhost:8080/')), {
    kind: 'direct',
    reason: 'localhost is never proxied',
  });
  assert.equal(goProxyFor(env, new URL('https://127.0.0.2/')).kind, 'direct');
  // An https URL uses only the HTTPS proxy: no fallback to HTTP_PROXY.
  assert.deepEqual(
    goProxyFor(readGoProxyEnv({ HTTP_PROXY: 'http://h:1' }), new URL('https://x.org/')),
    { kind: 'direct', reason: 'no HTTPS_PROXY is set' },
  );
});

test('NO_PROXY covering the GOPROXY host: direct, ok, and the outbound proxy sees no CONNECT', async () => {
  const proxy = await connectProxy(403);
  servers.push(proxy);
  const goproxy = 'https://goproxy.corp.example.test';
  const ctx = networkContext({
    goproxy: `${goproxy},off`,
    env: { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`, NO_PROXY: '.corp.example.test' },
    probeTimeoutMs: 3000,
  });
  const f = await oneFinding(proxySelectionCheck, ctx, goproxy);
  assert.equal(f.status, 'ok');
  assert.equal(f.summary, 'GOPROXY entry 1: direct, NO_PROXY entry ".corp.example.test" covers it');
  await runCheck(httpCheck, ctx);
  assert.deepEqual(proxy.connects, []);
});

test('NO_PROXY missing a private git host: warn with the export line; after it, direct', async () => {
  const fetched = [
    { path: 'git.corp.example.test/team/lib', version: 'v1.0.0', noProxy: true, noSumdb: true },
  ];
  const env = { HTTPS_PROXY: 'http://proxy.example.com:3128', NO_PROXY: 'localhost' };
  const f = await oneFinding(
    proxySelectionCheck,
    networkContext({ fetched, env }),
    'https://git.corp.example.test',
  );
  assert.equal(f.status, 'warn');
  assert.equal(
    f.summary,
    'the host of private module git.corp.example.test/team/lib goes through http://proxy.example.com:3128 (HTTPS_PROXY): NO_PROXY does not cover git.corp.example.test, which is the host of private modules',
  );
  assert.deepEqual(f.fix, [
    'export NO_PROXY=localhost,git.corp.example.test no_proxy=localhost,git.corp.example.test',
  ]);
  const fixed = {
    ...env,
    NO_PROXY: 'localhost,git.corp.example.test',
    no_proxy: 'localhost,git.corp.example.test',
  };
  const g = await oneFinding(
    proxySelectionCheck,
    networkContext({ fetched, env: fixed }),
    'https://git.corp.example.test',
  );
  assert.equal(g.status, 'ok');
  assert.match(g.summary, /: direct, NO_PROXY entry "git\.corp\.example\.test" covers it$/);
});

test('private modules on a public code host go through the proxy like any public host: ok', async () => {
  const fetched = [
    { path: 'github.com/acme/private', version: 'v1.0.0', noProxy: true, noSumdb: true },
  ];
  const f = await oneFinding(
    proxySelectionCheck,
    networkContext({ fetched, env: { HTTPS_PROXY: 'http://proxy.example.com:3128' } }),
    'https://github.com',
  );
  assert.equal(f.status, 'ok');
  assert.equal(
    f.summary,
    'the host of private module github.com/acme/private: through http://proxy.example.com:3128 (HTTPS_PROXY)',
  );
});

test('HTTPS_PROXY and https_proxy differ: warn naming which one go uses (credentials hidden); go indeed uses HTTPS_PROXY', async () => {
  const refusing = await connectProxy(403);
  const other = await connectProxy(407);
  servers.push(refusing, other);
  const env = {
    HTTPS_PROXY: `http://127.0.0.1:${refusing.port}`,
    https_proxy: `http://u:pw@127.0.0.1:${other.port}`,
    NO_PROXY: 'a.example',
    no_proxy: 'b.example',
  };
  const findings = await runCheck(proxySelectionCheck, networkContext({ env }));
  const https = findings.find((x) => x.subject === 'HTTPS_PROXY / https_proxy');
  assert.equal(https?.status, 'warn');
  assert.equal(
    https?.summary,
    `HTTPS_PROXY and https_proxy differ: the go command uses HTTPS_PROXY=http://127.0.0.1:${refusing.port}; curl and git read https_proxy first (https_proxy=http://xxxxx@127.0.0.1:${other.port})`,
  );
  assert.deepEqual(https?.fix, [
    'export https_proxy="$HTTPS_PROXY"   # keep the go command\'s value for both',
    '# or: export HTTPS_PROXY="$https_proxy"',
  ]);
  const no = findings.find((x) => x.subject === 'NO_PROXY / no_proxy');
  assert.equal(
    no?.summary,
    'NO_PROXY and no_proxy differ: the go command uses NO_PROXY=a.example; curl and git read no_proxy first (no_proxy=b.example)',
  );
  assert.ok(!JSON.stringify(findings).includes(':pw@'));

  const go = await GoSandbox.create();
  try {
    const r = await go.run(['mod', 'download', 'example.com/hello@v1.0.0'], {
      proxy: 'https://goproxy.example.test,off',
      env,
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /Forbidden/);
    assert.equal(refusing.connects.length, 1);
    assert.equal(other.connects.length, 0);
  } finally {
    await go.cleanup();
  }
});

test('a proxy written without a scheme: warn, the go command reads http://', async () => {
  const findings = await runCheck(
    proxySelectionCheck,
    networkContext({ env: { HTTPS_PROXY: 'proxy.example.com:3128' } }),
  );
  const f = findings.find((x) => x.subject === 'HTTPS_PROXY');
  assert.equal(f?.status, 'warn');
  assert.equal(
    f?.summary,
    'HTTPS_PROXY=proxy.example.com:3128 has no scheme: the go command reads it as http://proxy.example.com:3128',
  );
  assert.deepEqual(f?.fix, ['export HTTPS_PROXY="http://$HTTPS_PROXY"']);
});
