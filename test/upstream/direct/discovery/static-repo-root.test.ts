// Port of cmd/go vcs_test.go TestRepoRootForImportPath (the static-table cases: Go's test runs
// them through RepoRootForImportPath with the network; here "dynamic" marks the paths the
// table hands on to ?go-get=1 discovery, which Go's test sees fail for lack of a server).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../../../src/errors/index.js';
import { staticRepoRoot } from '../../../../src/upstream/direct/discovery/index.js';

type Want = { vcs: string; repo: string } | 'error' | 'dynamic';

const tests: ReadonlyArray<readonly [string, Want]> = [
  ['github.com/golang/groupcache', { vcs: 'git', repo: 'https://github.com/golang/groupcache' }],
  // Unicode letters in directories are not valid.
  ['github.com/user/unicode/испытание', 'error'],
  // IBM DevOps Services tests
  [
    'hub.jazz.net/git/user1/pkgname',
    { vcs: 'git', repo: 'https://hub.jazz.net/git/user1/pkgname' },
  ],
  [
    'hub.jazz.net/git/user1/pkgname/submodule/submodule/submodule',
    { vcs: 'git', repo: 'https://hub.jazz.net/git/user1/pkgname' },
  ],
  ['hub.jazz.net', 'dynamic'],
  ['hubajazz.net', 'dynamic'],
  ['hub2.jazz.net', 'dynamic'],
  ['hub.jazz.net/someotherprefix', 'dynamic'],
  ['hub.jazz.net/someotherprefix/user1/pkgname', 'dynamic'],
  // Spaces are not valid in user names or package names
  ['hub.jazz.net/git/User 1/pkgname', 'error'],
  ['hub.jazz.net/git/user1/pkg name', 'error'],
  // Dots are not valid in user names
  ['hub.jazz.net/git/user.1/pkgname', 'error'],
  [
    'hub.jazz.net/git/user/pkg.name',
    { vcs: 'git', repo: 'https://hub.jazz.net/git/user/pkg.name' },
  ],
  // User names cannot have uppercase letters
  ['hub.jazz.net/git/USER/pkgname', 'error'],
  // OpenStack tests
  [
    'git.openstack.org/openstack/swift',
    { vcs: 'git', repo: 'https://git.openstack.org/openstack/swift' },
  ],
  // Trailing .git is less preferred but included for compatibility.
  [
    'git.openstack.org/openstack/swift.git',
    { vcs: 'git', repo: 'https://git.openstack.org/openstack/swift.git' },
  ],
  [
    'git.openstack.org/openstack/swift/go/hummingbird',
    { vcs: 'git', repo: 'https://git.openstack.org/openstack/swift' },
  ],
  ['git.openstack.org', 'error'],
  ['git.openstack.org/openstack', 'error'],
  // Spaces are not valid in package name
  ['git.apache.org/package name/path/to/lib', 'error'],
  // Should have ".git" suffix
  ['git.apache.org/package-name/path/to/lib', 'error'],
  ['gitbapache.org', 'dynamic'],
  [
    'git.apache.org/package-name.git',
    { vcs: 'git', repo: 'https://git.apache.org/package-name.git' },
  ],
  [
    'git.apache.org/package-name_2.x.git/path/to/lib',
    { vcs: 'git', repo: 'https://git.apache.org/package-name_2.x.git' },
  ],
  [
    'chiselapp.com/user/kyle/repository/fossilgg',
    { vcs: 'fossil', repo: 'https://chiselapp.com/user/kyle/repository/fossilgg' },
  ],
  // must have a user/$name/repository/$repo path
  ['chiselapp.com/kyle/repository/fossilgg', 'error'],
  ['chiselapp.com/user/kyle/fossilgg', 'error'],
  [
    'bitbucket.org/workspace/pkgname',
    { vcs: 'git', repo: 'https://bitbucket.org/workspace/pkgname' },
  ],
  // Beyond Go's table: the suffix check, the general qualifier rule, http: prefixes.
  ['github.com/user/repo.git', 'error'],
  ['github.com/user/repo.hg/sub', 'error'],
  ['bitbucket.org/workspace/pkg.git', 'error'],
  ['hub.jazz.net/git/user/pkg.svn', 'error'],
  ['github.com/user', 'error'],
  ['github.com', 'error'],
  ['example.com/foo.git', { vcs: 'git', repo: 'https://example.com/foo' }],
  ['example.com/foo.git/sub/v2', { vcs: 'git', repo: 'https://example.com/foo' }],
  ['example.com/a/b.hg/c', { vcs: 'hg', repo: 'https://example.com/a/b' }],
  ['example.com/~user/proj.svn', { vcs: 'svn', repo: 'https://example.com/~user/proj' }],
  // Go's regexp (leftmost-first, like JS) makes the last qualifier win; checked with go1.19.
  ['example.com/foo.git/bar.git', { vcs: 'git', repo: 'https://example.com/foo.git/bar' }],
  ['example.com/foo.git/bar', { vcs: 'git', repo: 'https://example.com/foo' }],
  ['example.com/a.git/b.hg/c', { vcs: 'hg', repo: 'https://example.com/a.git/b' }],
  ['example.com/foo.gitx', 'dynamic'],
  ['example.com/foo', 'dynamic'],
  ['https:example.com', 'error'],
];

test('static table: TestRepoRootForImportPath cases', () => {
  for (const [path, want] of tests) {
    let got;
    try {
      got = staticRepoRoot(path);
    } catch (err) {
      assert.ok(err instanceof ModgateError && err.kind === 'not-found', `${path}: ${String(err)}`);
      assert.equal(want, 'error', `${path}: unexpected error ${err.message}`);
      continue;
    }
    if (want === 'error') assert.fail(`${path}: expected an error, got ${JSON.stringify(got)}`);
    if (want === 'dynamic') {
      assert.equal(got, null, path);
      continue;
    }
    assert.ok(got, path);
    assert.deepEqual({ vcs: got.vcs, repo: got.repoUrl }, want, path);
  }
});

test('static table: roots, qualifier rule details and error texts', () => {
  assert.deepEqual(staticRepoRoot('github.com/golang/groupcache/lru'), {
    root: 'github.com/golang/groupcache',
    vcs: 'git',
    repoUrl: 'https://github.com/golang/groupcache',
  });
  assert.deepEqual(staticRepoRoot('example.com/foo.git/bar.git/v2'), {
    root: 'example.com/foo.git/bar.git',
    vcs: 'git',
    repoUrl: 'https://example.com/foo.git/bar',
    schemelessRepo: 'example.com/foo.git/bar',
  });
  assert.deepEqual(staticRepoRoot('example.com/foo.git/v2'), {
    root: 'example.com/foo.git',
    vcs: 'git',
    repoUrl: 'https://example.com/foo',
    schemelessRepo: 'example.com/foo',
  });
  assert.equal(
    staticRepoRoot('git.openstack.org/openstack/swift.git/x')?.root,
    'git.openstack.org/openstack/swift.git',
  );
  assert.throws(() => staticRepoRoot('github.com/user/repo.git'), {
    message: 'invalid version control suffix in github.com/ path',
  });
  assert.throws(() => staticRepoRoot('github.com/user'), {
    message: 'invalid github.com import path "github.com/user"',
  });
  assert.throws(() => staticRepoRoot('http:x'), {
    message: '"http://" not allowed in import path',
  });
});
