// Ports of cmd/go vcs_test.go govcsTests (TestGOVCS) and govcsErrors (TestGOVCSErrors).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideVcsPolicy, parseVcsPolicy } from '../../src/policy/index.js';

const govcsTests: ReadonlyArray<readonly [string, string, string, boolean]> = [
  ['private:all', 'is-public.com/foo', 'zzz', false],
  ['private:all', 'is-private.com/foo', 'zzz', true],
  ['public:all', 'is-public.com/foo', 'zzz', true],
  ['public:all', 'is-private.com/foo', 'zzz', false],
  ['public:all,private:none', 'is-public.com/foo', 'zzz', true],
  ['public:all,private:none', 'is-private.com/foo', 'zzz', false],
  ['*:all', 'is-public.com/foo', 'zzz', true],
  ['golang.org:git', 'golang.org/x/text', 'zzz', false],
  ['golang.org:git', 'golang.org/x/text', 'git', true],
  ['golang.org:zzz', 'golang.org/x/text', 'zzz', true],
  ['golang.org:zzz', 'golang.org/x/text', 'git', false],
  ['golang.org:zzz', 'golang.org/x/text', 'zzz', true],
  ['golang.org:zzz', 'golang.org/x/text', 'git', false],
  ['golang.org:git|hg', 'golang.org/x/text', 'hg', true],
  ['golang.org:git|hg', 'golang.org/x/text', 'git', true],
  ['golang.org:git|hg', 'golang.org/x/text', 'zzz', false],
  ['golang.org:all', 'golang.org/x/text', 'hg', true],
  ['golang.org:all', 'golang.org/x/text', 'git', true],
  ['golang.org:all', 'golang.org/x/text', 'zzz', true],
  ['other.xyz/p:none,golang.org/x:git', 'other.xyz/p/x', 'git', false],
  ['other.xyz/p:none,golang.org/x:git', 'unexpected.com', 'git', false],
  ['other.xyz/p:none,golang.org/x:git', 'golang.org/x/text', 'zzz', false],
  ['other.xyz/p:none,golang.org/x:git', 'golang.org/x/text', 'git', true],
  ['other.xyz/p:none,golang.org/x:zzz', 'golang.org/x/text', 'zzz', true],
  ['other.xyz/p:none,golang.org/x:zzz', 'golang.org/x/text', 'git', false],
  ['other.xyz/p:none,golang.org/x:git|hg', 'golang.org/x/text', 'hg', true],
  ['other.xyz/p:none,golang.org/x:git|hg', 'golang.org/x/text', 'git', true],
  ['other.xyz/p:none,golang.org/x:git|hg', 'golang.org/x/text', 'zzz', false],
  ['other.xyz/p:none,golang.org/x:all', 'golang.org/x/text', 'hg', true],
  ['other.xyz/p:none,golang.org/x:all', 'golang.org/x/text', 'git', true],
  ['other.xyz/p:none,golang.org/x:all', 'golang.org/x/text', 'zzz', true],
  ['other.xyz/p:none,golang.org/x:git', 'golang.org/y/text', 'zzz', false],
  ['other.xyz/p:none,golang.org/x:git', 'golang.org/y/text', 'git', false],
  ['other.xyz/p:none,golang.org/x:zzz', 'golang.org/y/text', 'zzz', false],
  ['other.xyz/p:none,golang.org/x:zzz', 'golang.org/y/text', 'git', false],
  ['other.xyz/p:none,golang.org/x:git|hg', 'golang.org/y/text', 'hg', false],
  ['other.xyz/p:none,golang.org/x:git|hg', 'golang.org/y/text', 'git', false],
  ['other.xyz/p:none,golang.org/x:git|hg', 'golang.org/y/text', 'zzz', false],
  ['other.xyz/p:none,golang.org/x:all', 'golang.org/y/text', 'hg', false],
  ['other.xyz/p:none,golang.org/x:all', 'golang.org/y/text', 'git', false],
  ['other.xyz/p:none,golang.org/x:all', 'golang.org/y/text', 'zzz', false],
];

test('VCS policy: cmd/go govcsTests', () => {
  for (const [govcs, path, vcs, ok] of govcsTests) {
    const rules = parseVcsPolicy(govcs);
    const isPrivate = path.startsWith('is-private');
    assert.equal(
      decideVcsPolicy(rules, path, isPrivate, vcs).allowed,
      ok,
      `${govcs} ${path} ${vcs}`,
    );
  }
});

const govcsErrors: ReadonlyArray<readonly [string, string]> = [
  [',', 'empty entry in GOVCS'],
  [',x', 'empty entry in GOVCS'],
  ['x,', 'malformed entry in GOVCS (missing colon): "x"'],
  ['x:y,', 'empty entry in GOVCS'],
  ['x', 'malformed entry in GOVCS (missing colon): "x"'],
  ['x:', 'empty VCS list in GOVCS: "x:"'],
  ['x:|', 'empty VCS name in GOVCS: "x:|"'],
  ['x:y|', 'empty VCS name in GOVCS: "x:y|"'],
  ['x:|y', 'empty VCS name in GOVCS: "x:|y"'],
  ['x:y,z:', 'empty VCS list in GOVCS: "z:"'],
  ['x:y,z:|', 'empty VCS name in GOVCS: "z:|"'],
  ['x:y,z:|w', 'empty VCS name in GOVCS: "z:|w"'],
  ['x:y,z:w|', 'empty VCS name in GOVCS: "z:w|"'],
  ['x:y,z:w||v', 'empty VCS name in GOVCS: "z:w||v"'],
  ['x:y,x:z', 'unreachable pattern in GOVCS: "x:z" after "x:y"'],
  // Beyond Go's table.
  [':git', 'empty pattern in GOVCS: ":git"'],
  ['./x:git', 'relative pattern not allowed in GOVCS: "./x"'],
  ['..:git', 'relative pattern not allowed in GOVCS: ".."'],
];

test('VCS policy: cmd/go govcsErrors', () => {
  for (const [s, err] of govcsErrors) {
    assert.throws(
      () => parseVcsPolicy(s),
      (e: unknown) =>
        e instanceof Error &&
        e.message.includes(err) &&
        (e as { kind?: string }).kind === 'invalid',
      s,
    );
  }
  assert.deepEqual(parseVcsPolicy('  '), []);
  assert.deepEqual(parseVcsPolicy(' a.com : git | hg , public:off'), [
    { pattern: 'a.com', allowed: ['git', 'hg'], text: 'a.com : git | hg' },
    { pattern: 'public', allowed: ['off'], text: 'public:off' },
  ]);
});
