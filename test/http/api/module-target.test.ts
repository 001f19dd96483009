// Module paths in API URLs (issue 15): unescaped, percent-encoded, or case-encoded (`!x`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiProblem, moduleTarget } from '../../../src/http/api/index.js';

test('unescaped, percent-encoded and case-encoded paths name the same module', () => {
  for (const raw of [
    'github.com/BurntSushi/toml',
    'github.com/%42urntSushi/toml',
    'github.com/!burnt!sushi/toml',
  ]) {
    assert.deepEqual(moduleTarget(raw), { path: 'github.com/BurntSushi/toml' }, raw);
  }
  assert.deepEqual(moduleTarget('github.com/!burnt!sushi/toml/@v/v1.2.0'), {
    path: 'github.com/BurntSushi/toml',
    version: 'v1.2.0',
  });
  assert.deepEqual(moduleTarget('example.com/a/@v/v1.0.0-!r!c1'), {
    path: 'example.com/a',
    version: 'v1.0.0-RC1',
  });
});

test('malformed paths and versions are 400 problems with the reason', () => {
  for (const raw of [
    '-x/y',
    'example.com/a%zz',
    'example.com/a/@v/1.0',
    'example.com/!!a',
    'example.com//a',
  ]) {
    assert.throws(
      () => moduleTarget(raw),
      (err: unknown) => err instanceof ApiProblem && err.status === 400,
      raw,
    );
  }
});
