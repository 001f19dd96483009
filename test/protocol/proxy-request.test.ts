import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProxyPath } from '../../src/protocol/proxy-request.js';
import { goPathEscape } from '../../src/protocol/go-path-escape.js';

test('parses every GOPROXY endpoint, percent-decoding before !-unescaping', () => {
  assert.deepEqual(parseProxyPath('/github.com/%21burnt%21sushi/toml/@v/list'), {
    kind: 'list',
    modulePath: 'github.com/BurntSushi/toml',
    escapedPath: 'github.com/!burnt!sushi/toml',
  });
  assert.deepEqual(parseProxyPath('/example.com/m/@latest'), {
    kind: 'latest',
    modulePath: 'example.com/m',
    escapedPath: 'example.com/m',
  });
  assert.deepEqual(parseProxyPath('/example.com/m/@v/v1.2.3.zip'), {
    kind: 'zip',
    modulePath: 'example.com/m',
    escapedPath: 'example.com/m',
    version: 'v1.2.3',
    escapedVersion: 'v1.2.3',
  });
  const mod = parseProxyPath('/example.com/m/@v/v2.0.0+incompatible.mod');
  assert.equal(mod?.kind, 'mod');
});

test('.info accepts queries and says whether the answer is immutable', () => {
  const info = (p: string) => {
    const r = parseProxyPath(p);
    assert.equal(r?.kind, 'info');
    return r as Extract<typeof r, { kind: 'info' }>;
  };
  assert.equal(info('/example.com/m/@v/v1.2.3.info').canonical, true);
  const branch = info('/example.com/m/@v/%21main.info');
  assert.equal(branch.version, 'Main');
  assert.equal(branch.canonical, false);
  assert.equal(info('/example.com/m/@v/v1.2.info').canonical, false);
  assert.equal(info('/example.com/m/@v/abcdef123456.info').canonical, false);
  // v2.0.0 without /v2 resolves to v2.0.0+incompatible upstream: not canonical for the path.
  assert.equal(info('/example.com/m/@v/v2.0.0.info').canonical, false);
  assert.equal(info('/example.com/m/v2/@v/v2.0.0.info').canonical, true);
});

test('returns null outside the GOPROXY URL space', () => {
  assert.equal(parseProxyPath('/favicon.ico'), null);
  assert.equal(parseProxyPath('/example.com/m'), null);
});

test('refuses malformed requests with a reason', () => {
  const bad: Array<[string, RegExp]> = [
    ['/example.com/../etc/@v/list', /"\.\."/],
    ['/example.com/%2e%2e/@v/list', /"\.\."/],
    ['/example.com%2Fm/@v/list', /encoded slash/],
    ['/example.com/m%5C/@v/list', /backslash/],
    ['/example.com/m/@v/v1.0.0%00.info', /NUL/],
    ['/example.com/%zz/@v/list', /percent-encoding/],
    ['/example.com//m/@v/list', /empty/],
    ['/example.com/M/@v/list', /malformed|invalid/],
    ['/example.com/!!m/@v/list', /malformed|invalid/],
    ['/example.com/m/@v/v1.0.mod', /not canonical/],
    ['/example.com/m/@v/master.zip', /not canonical/],
    ['/example.com/m/@v/v1.0.0+build.zip', /not canonical/],
    ['/example.com/m/@v/v2.0.0.zip', /not canonical/],
    ['/example.com/m/@v/v1.0.0.tar', /unknown GOPROXY file/],
    ['/example.com/m/@v/.info', /missing version/],
    ['/@v/list', /malformed|missing/],
    ['/' + 'a'.repeat(3000), /too long/],
  ];
  for (const [path, why] of bad) {
    assert.throws(
      () => parseProxyPath(path),
      (err: Error & { kind?: string }) => {
        assert.equal(err.kind, 'invalid', path);
        assert.match(err.message, why, path);
        return true;
      },
    );
  }
});

test('goPathEscape matches Go url.PathEscape for request segments', () => {
  assert.equal(goPathEscape('!burnt!sushi'), '%21burnt%21sushi');
  assert.equal(goPathEscape('v2.0.0+incompatible'), 'v2.0.0+incompatible');
  assert.equal(goPathEscape('a b;c,d?e~f'), 'a%20b%3Bc%2Cd%3Fe~f');
  assert.equal(goPathEscape('é'), '%C3%A9');
});
