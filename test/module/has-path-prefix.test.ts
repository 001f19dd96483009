// cmd/go str.HasPathPrefix (cmd/go/internal/str/path.go), including its empty prefix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasPathPrefix } from '../../src/module/index.js';

test('hasPathPrefix: element-wise, as cmd/go str.HasPathPrefix', () => {
  const cases: ReadonlyArray<readonly [string, string, boolean]> = [
    ['a/b', 'a', true],
    ['a/b', 'a/b', true],
    ['a/b/c', 'a/b', true],
    ['ab', 'a', false],
    ['a', 'a/b', false],
    ['example.com/user/fooa', 'example.com/user/foo', false],
    ['example.com/user/foo/bar', 'example.com/user/foo', true],
    // A prefix ending in `/` is a plain string prefix.
    ['a/b', 'a/', true],
    ['a/', 'a/', true],
    ['a', 'a/', false],
    // The empty prefix is a path prefix of everything.
    ['a/b', '', true],
    ['/a', '', true],
    ['', '', true],
    ['', 'a', false],
  ];
  for (const [s, prefix, want] of cases) {
    assert.equal(hasPathPrefix(s, prefix), want, `hasPathPrefix(${s}, ${prefix})`);
  }
});
