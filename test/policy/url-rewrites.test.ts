import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRewrites, matchRewrite, type RewriteRule } from '../../src/policy/index.js';

const rules: RewriteRule[] = [
  { pattern: 'git.corp.example/*', url: 'ssh://git@git.corp.example/*.git' },
  { pattern: 'git.corp.example/platform/*', url: 'https://gitlab.corp.example/platform/*' },
  { pattern: 'git.corp.example/platform/monorepo', url: 'https://git.corp.example/mono.git' },
  { pattern: '*.svc.example/*/', url: 'https://{root}' },
  { pattern: 'mods.example', url: 'https://goproxy.corp.example/', vcs: 'mod' },
  { pattern: 'local.example/*/*', url: 'file:///srv/git/*' },
];
const compiled = compileRewrites(rules);

test('rewrites: the longest matching prefix wins and is the root', () => {
  const cases: ReadonlyArray<
    readonly [string, { root: string; vcs: string; url: string } | undefined]
  > = [
    [
      'git.corp.example/team',
      { root: 'git.corp.example/team', vcs: 'git', url: 'ssh://git@git.corp.example/team.git' },
    ],
    [
      'git.corp.example/team/lib/v2',
      { root: 'git.corp.example/team', vcs: 'git', url: 'ssh://git@git.corp.example/team.git' },
    ],
    [
      'git.corp.example/platform/api/v3',
      {
        root: 'git.corp.example/platform/api',
        vcs: 'git',
        url: 'https://gitlab.corp.example/platform/api',
      },
    ],
    // Same length as platform/*: the literal element wins.
    [
      'git.corp.example/platform/monorepo/tools',
      {
        root: 'git.corp.example/platform/monorepo',
        vcs: 'git',
        url: 'https://git.corp.example/mono.git',
      },
    ],
    // Too short for platform/*: the one-element wildcard rule applies.
    [
      'git.corp.example/platform',
      {
        root: 'git.corp.example/platform',
        vcs: 'git',
        url: 'ssh://git@git.corp.example/platform.git',
      },
    ],
    ['a.svc.example/b/c', { root: 'a.svc.example/b', vcs: 'git', url: 'https://a.svc.example/b' }],
    [
      'mods.example/x/y',
      { root: 'mods.example', vcs: 'mod', url: 'https://goproxy.corp.example/' },
    ],
    ['local.example/a/b/c', { root: 'local.example/a/b', vcs: 'git', url: 'file:///srv/git/a/b' }],
    ['local.example/a', undefined],
    ['git.corp.example', undefined],
    ['other.example/x', undefined],
    ['svc.example/x', undefined],
  ];
  for (const [path, want] of cases) {
    const got = matchRewrite(compiled, path);
    assert.deepEqual(got && { root: got.root, vcs: got.vcs, url: got.url }, want, path);
  }
});

test('rewrites: equal rules, first listed wins', () => {
  const c = compileRewrites([
    { pattern: 'a.example/*', url: 'https://one/*' },
    { pattern: 'a.example/*', url: 'https://two/*' },
  ]);
  assert.equal(matchRewrite(c, 'a.example/x')?.url, 'https://one/x');
});

test('rewrites: invalid rules are refused with their index and pattern', () => {
  const bad: ReadonlyArray<readonly [RewriteRule, RegExp]> = [
    [{ pattern: '', url: 'https://x' }, /rewrite 0 \(pattern ""\): empty pattern/],
    [{ pattern: 'a.example//b', url: 'https://x' }, /empty path element/],
    [{ pattern: 'a.example/[', url: 'https://x' }, /malformed pattern element "\["/],
    [{ pattern: 'corp/x', url: 'https://x' }, /host name/],
    [{ pattern: 'a.example/x', url: 'https://x/*' }, /no wildcard/],
    // scp-like syntax is accepted (scp-like-url.test.ts), but not what git reads as a path.
    [{ pattern: 'a.example/*', url: 'srv/a.example:*.git' }, /absolute URL .* or scp-like/],
    [{ pattern: 'a.example/*', url: 'git@a.example:*.git', vcs: 'mod' }, /absolute URL/],
    [{ pattern: 'a.example/*', url: '/srv/*' }, /absolute URL/],
    [{ pattern: 'a.example/*', url: 'ssh://a.example/*', vcs: 'mod' }, /http or https/],
    [{ pattern: 'a.example/*', url: 'https://a/*', vcs: 'hg' as 'git' }, /vcs must be git or mod/],
  ];
  for (const [rule, err] of bad) {
    assert.throws(() => compileRewrites([rule]), {
      name: 'ModgateError',
      kind: 'invalid',
      message: err,
    });
  }
});
