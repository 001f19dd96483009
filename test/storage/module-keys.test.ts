import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import {
  infoKey,
  latestKey,
  listKey,
  modKey,
  versionFileKey,
  zipKey,
} from '../../src/storage/module-keys.js';

const isInvalid = (err: unknown) => err instanceof ModgateError && err.kind === 'invalid';

test('module keys follow the GOPROXY URL layout', () => {
  const p = 'github.com/!burnt!sushi/toml';
  assert.equal(listKey(p), 'github.com/!burnt!sushi/toml/@v/list');
  assert.equal(latestKey(p), 'github.com/!burnt!sushi/toml/@latest');
  assert.equal(infoKey(p, 'v1.0.0'), 'github.com/!burnt!sushi/toml/@v/v1.0.0.info');
  assert.equal(modKey(p, 'v1.0.0'), 'github.com/!burnt!sushi/toml/@v/v1.0.0.mod');
  assert.equal(zipKey(p, 'v1.0.0'), 'github.com/!burnt!sushi/toml/@v/v1.0.0.zip');
  assert.equal(
    versionFileKey('example.com/m/v2', 'v2.0.0+incompatible', 'zip'),
    'example.com/m/v2/@v/v2.0.0+incompatible.zip',
  );
  assert.equal(
    infoKey('example.com/m', 'v0.0.0-20240101000000-0123456789ab'),
    'example.com/m/@v/v0.0.0-20240101000000-0123456789ab.info',
  );
  // A non-canonical query (a branch name, escaped) still makes a plain file name.
  assert.equal(infoKey('example.com/m', '!main'), 'example.com/m/@v/!main.info');
});

test('module keys refuse paths and versions that would leave the module’s files', () => {
  const bad: Array<() => string> = [
    () => listKey(''),
    () => listKey('/abs'),
    () => listKey('../x'),
    () => listKey('a//b'),
    () => listKey('example.com/m/@v/x'), // "@" would alias another module's files
    () => latestKey('example.com/m@v1'),
    () => listKey('a\\b'),
    () => listKey('.staging'),
    () => infoKey('example.com/m', ''),
    () => infoKey('example.com/m', 'v1/../../x'),
    () => modKey('example.com/m', 'feature/x'),
    () => zipKey('example.com/m', '..'),
    () => zipKey('example.com/m', '.v1'),
    () => zipKey('example.com/m', 'v1\0'),
    () => zipKey('example.com/m', 'v'.repeat(300)),
  ];
  for (const build of bad) assert.throws(build, isInvalid, build.toString());
});
