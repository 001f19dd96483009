// Ports of cmd/go vcs_test.go TestMatchGoImport and TestValidateRepoRoot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  matchGoImport,
  validateRepoRoot,
  type MetaImport,
} from '../../../../src/upstream/direct/discovery/index.js';

const target = 'https://example.com/repo/target';
const mi = (prefix: string, vcs = 'git', repoRoot = target): MetaImport => ({
  prefix,
  vcs,
  repoRoot,
});
const fooAndFooa = [mi('example.com/user/foo'), mi('example.com/user/fooa')];
const nested = [mi('example.com/user/foo'), mi('example.com/user/foo/bar')];
const myitcv = [
  mi('myitcv.io/blah2', 'mod', 'https://raw.githubusercontent.com/myitcv/pubx/master'),
  mi('myitcv.io', 'git', 'https://github.com/myitcv/x'),
];

const tests: ReadonlyArray<{ imports: MetaImport[]; path: string; mi?: MetaImport; err?: RegExp }> =
  [
    {
      imports: [mi('example.com/user/foo')],
      path: 'example.com/user/foo',
      mi: mi('example.com/user/foo'),
    },
    {
      imports: [mi('example.com/user/foo')],
      path: 'example.com/user/foo/',
      mi: mi('example.com/user/foo'),
    },
    { imports: fooAndFooa, path: 'example.com/user/foo', mi: mi('example.com/user/foo') },
    { imports: fooAndFooa, path: 'example.com/user/fooa', mi: mi('example.com/user/fooa') },
    // should not be allowed to create nested repo
    { imports: nested, path: 'example.com/user/foo/bar', err: /multiple meta tags match/ },
    { imports: nested, path: 'example.com/user/foo/bar/baz', err: /multiple meta tags match/ },
    { imports: nested, path: 'example.com/user/foo/bar/baz/qux', err: /multiple meta tags match/ },
    { imports: nested, path: 'example.com/user/foo/bar/baz/', err: /multiple meta tags match/ },
    // pathologically short path
    { imports: nested, path: 'example.com', err: /did not match import path example.com/ },
    // meta tags do not match import path
    {
      imports: [mi('example.com/user/foo')],
      path: 'different.example.com/user/foo',
      err: /^no go-import meta tags \(meta tag example.com\/user\/foo did not match import path different.example.com\/user\/foo\)$/,
    },
    { imports: myitcv, path: 'myitcv.io/blah2/foo', mi: myitcv[0] },
    { imports: myitcv, path: 'myitcv.io/other', mi: myitcv[1] },
    { imports: [], path: 'a.com/x', err: /^no go-import meta tags \(\)$/ },
  ];

test('matchGoImport: cmd/go TestMatchGoImport', () => {
  for (const t of tests) {
    if (t.err) {
      assert.throws(
        () => matchGoImport(t.imports, t.path),
        { name: 'ModgateError', message: t.err },
        t.path,
      );
    } else {
      assert.deepEqual(matchGoImport(t.imports, t.path), t.mi, t.path);
    }
  }
});

test('validateRepoRoot: cmd/go TestValidateRepoRoot', () => {
  const cases: ReadonlyArray<readonly [string, boolean]> = [
    ['', false],
    ['http://', true],
    ['git+ssh://', true],
    ['http#://', false],
    ['-config', false],
    ['-config://', false],
    // Beyond Go's table.
    ['file:///etc', false],
    ['FILE:///etc', false],
    ['https://example.com/x', true],
    ['ssh://git@example.com/x.git', true],
    ['git@example.com:x.git', false],
    ['https://exa\x01mple.com', false],
    [':x', false],
  ];
  for (const [root, ok] of cases) {
    if (ok) assert.doesNotThrow(() => validateRepoRoot(root), root);
    else assert.throws(() => validateRepoRoot(root), { name: 'ModgateError' }, root);
  }
  assert.equal(validateRepoRoot('HTTPS://x'), 'https');
  assert.throws(() => validateRepoRoot('file:///x'), { message: 'file scheme disallowed' });
  assert.throws(() => validateRepoRoot('x'), { message: 'no scheme' });
});
