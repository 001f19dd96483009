import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProxyPath } from '../../src/protocol/proxy-request.js';
import { PARSED_PATH_CACHE_MAX_BYTES, ParsedPathCache } from '../../src/http/parsed-path-cache.js';

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
  assert.equal(cache.usage.entries, paths.length);
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
  assert.equal(cache.usage.entries, 0);
});

test('bounded by bytes: the least recently used parses make room', () => {
  const cache = new ParsedPathCache(64 * 1024);
  for (let i = 0; i < 1000; i++) cache.parse(`/example.com/m${i}/@v/list`);
  assert.ok(cache.usage.bytes <= 64 * 1024);
  assert.ok(
    cache.usage.entries > 50 && cache.usage.entries < 1000,
    `${cache.usage.entries} entries`,
  );
  // Evicted paths are parsed again, correctly.
  assert.deepEqual(cache.parse('/example.com/m0/@v/list'), {
    kind: 'list',
    modulePath: 'example.com/m0',
    escapedPath: 'example.com/m0',
  });
  assert.equal(new ParsedPathCache().usage.maxBytes, PARSED_PATH_CACHE_MAX_BYTES);
});

test('bound holds under 200,000 distinct long paths', () => {
  const maxBytes = 1024 * 1024;
  const cache = new ParsedPathCache(maxBytes);
  const long = 'a'.repeat(400);
  const path = (i: number): string => `/example.com/${long}/m${i}/@v/v1.0.${i}.info`;
  for (let i = 0; i < 200_000; i++) {
    // A slice of a longer request target, as the server passes it (query cut off).
    const target = `${path(i)}?q=${'z'.repeat(1000)}`;
    cache.parse(target.slice(0, target.indexOf('?')));
    if (cache.usage.bytes > maxBytes)
      assert.fail(`accounted ${cache.usage.bytes} bytes after ${i + 1} paths`);
  }
  // Each parse counts its path and module path at 2 bytes per character at least.
  assert.ok(
    cache.usage.entries <= maxBytes / (4 * path(0).length),
    `${cache.usage.entries} entries`,
  );
  assert.ok(cache.usage.entries > 100);
  const last = cache.parse(path(199_999));
  assert.equal(last?.kind, 'info');
  assert.equal(cache.parse(path(199_999)), last, 'the most recent parse is kept');
});
