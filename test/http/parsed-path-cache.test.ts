import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProxyPath } from '../../src/protocol/proxy-request.js';
import { ParsedPathCache } from '../../src/http/parsed-path-cache.js';

const paths = [
  '/example.com/m/@v/list',
  '/example.com/m/@latest',
  '/github.com/!burnt!sushi/toml/@v/v1.2.0.info',
  '/github.com/%21burnt%21sushi/toml/@v/v1.2.0.mod',
  '/example.com/m/@v/main.info',
  '/example.com/m/v2/@v/v2.0.0+incompatible.zip',
  '/example.com/m/v2/@v/v2.0.0.zip',
];

test('answers exactly what parseProxyPath answers, from the first call on', () => {
  const cache = new ParsedPathCache();
  for (let round = 0; round < 2; round++) {
    for (const p of paths) assert.deepEqual(cache.parse(p), parseProxyPath(p), p);
  }
  assert.equal(cache.size, paths.length);
  assert.equal(cache.parse(paths[0] ?? ''), cache.parse(paths[0] ?? ''), 'the same object');
  assert.ok(Object.isFrozen(cache.parse(paths[0] ?? '')));
});

test('failures and paths outside the GOPROXY space are not kept', () => {
  const cache = new ParsedPathCache();
  for (let round = 0; round < 2; round++) {
    assert.throws(() => cache.parse('/example.com/m/@v/v1.0.zip'), /not canonical/);
    assert.throws(() => cache.parse('/Example.com/m/@v/list'));
    assert.throws(() => cache.parse('/example.com/%2e%2e/@v/list'));
    assert.equal(cache.parse('/favicon.ico'), null);
  }
  assert.equal(cache.size, 0);
});

test('bounded: the oldest entries make room', () => {
  const cache = new ParsedPathCache(100);
  for (let i = 0; i < 250; i++) cache.parse(`/example.com/m${i}/@v/list`);
  assert.equal(cache.size, 100);
  // Evicted paths are parsed again, correctly.
  assert.deepEqual(cache.parse('/example.com/m0/@v/list'), {
    kind: 'list',
    modulePath: 'example.com/m0',
    escapedPath: 'example.com/m0',
  });
  assert.equal(cache.size, 100);
  assert.equal(new ParsedPathCache().maxEntries, 10_000);
});
