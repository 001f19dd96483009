// cmd/go modfetch.newCodeRepo's placement rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import { codeRepoLayout } from '../../../src/upstream/direct/code-repo-layout.js';

const notFound = (message: RegExp) => (err: unknown) =>
  err instanceof ModgateError && err.kind === 'not-found' && message.test(err.message);

test('codeRepoLayout: the module directory, tag prefix and major version', () => {
  assert.deepEqual(codeRepoLayout('example.com/repo/sub/v2', 'example.com/repo'), {
    modulePath: 'example.com/repo/sub/v2',
    codeRoot: 'example.com/repo',
    codeDir: 'sub',
    pathPrefix: 'example.com/repo/sub',
    pathMajor: '/v2',
    pseudoMajor: 'v2',
    tagPrefix: 'sub/',
  });
  const root = codeRepoLayout('example.com/repo', 'example.com/repo');
  assert.equal(root.codeDir, '');
  assert.equal(root.tagPrefix, '');
});

test('codeRepoLayout: the module must lie below the root, element-wise', () => {
  assert.throws(
    () => codeRepoLayout('example.com/repository', 'example.com/repo'),
    notFound(/mismatched repo: found example\.com\/repo for example\.com\/repository/),
  );
  // An empty root contains nothing (coderepo.go's hasPathPrefix), though str.HasPathPrefix
  // calls '' a prefix of every path.
  assert.throws(() => codeRepoLayout('example.com/repo', ''), notFound(/mismatched repo/));
  assert.throws(
    () => codeRepoLayout('example.com/repo/v2', 'example.com/repo/v2x'),
    notFound(/mismatched repo/),
  );
});
