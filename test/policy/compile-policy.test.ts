// The compiled policy: GOPRIVATE / GONOSUMDB / GOINSECURE / GOVCS decisions per module path
// (`go help private`, `go help module-private`, `go help vcs`), remembered in a bounded cache.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy, type PolicyPatterns } from '../../src/policy/index.js';

const none: PolicyPatterns = { private: '', noVerify: '', insecure: '', vcsPolicy: '' };

// [patterns, module path, private, verify, insecure]
const decisions: ReadonlyArray<
  readonly [Partial<PolicyPatterns>, string, boolean, boolean, boolean]
> = [
  [{}, 'github.com/a/b', false, true, false],
  // GOPRIVATE: leading path elements, globs per element; GONOSUMDB defaults to it.
  [{ private: 'corp.example' }, 'corp.example/team/repo', true, false, false],
  [{ private: 'corp.example' }, 'corp.example', true, false, false],
  [{ private: 'corp.example' }, 'corp.example.org/x', false, true, false],
  [{ private: 'corp.example' }, 'notcorp.example/x', false, true, false],
  [{ private: '*.corp.example' }, 'git.corp.example/team/repo', true, false, false],
  [{ private: '*.corp.example' }, 'corp.example/x', false, true, false],
  [{ private: 'github.com/acme/*' }, 'github.com/acme/tool/v2', true, false, false],
  [{ private: 'github.com/acme/*' }, 'github.com/acme', false, true, false],
  [{ private: 'github.com/acme/' }, 'github.com/acme/tool', true, false, false],
  [{ private: 'a.example,,b.example' }, 'b.example/x', true, false, false],
  // A malformed glob matches nothing (as module.MatchPrefixPatterns).
  [{ private: 'corp[' }, 'corp[/x', false, true, false],
  // GONOSUMDB: not verified, still public.
  [{ noVerify: 'github.com/acme' }, 'github.com/acme/x', false, false, false],
  [{ noVerify: 'github.com/acme' }, 'github.com/other/x', false, true, false],
  [{ private: 'corp.example', noVerify: 'x.example' }, 'corp.example/a', true, false, false],
  // GOINSECURE is independent of the other two.
  [{ insecure: '*.local' }, 'git.local/x', false, true, true],
  [{ insecure: '*.local' }, 'git.remote/x', false, true, false],
  [{ private: 'git.local', insecure: '*.local' }, 'git.local/x', true, false, true],
];

test('compilePolicy: private, verify and insecure per module path', () => {
  for (const [patterns, path, isPrivate, verify, insecure] of decisions) {
    const policy = compilePolicy({ ...none, ...patterns });
    assert.deepEqual(
      { ...policy.forModule(path) },
      { modulePath: path, private: isPrivate, verify, insecure, hosted: false, deny: [] },
      `${JSON.stringify(patterns)} ${path}`,
    );
    // The remembered answer is the same.
    assert.equal(policy.forModule(path).private, isPrivate);
  }
});

test('compilePolicy: a decision is computed once and frozen', () => {
  const policy = compilePolicy({ ...none, private: 'corp.example' });
  const first = policy.forModule('corp.example/x');
  assert.equal(policy.forModule('corp.example/x'), first);
  assert.ok(Object.isFrozen(first));
});

test('compilePolicy: remembered decisions are bounded by bytes', () => {
  const policy = compilePolicy({ ...none, private: 'corp.example' }, { cacheBytes: 4096 });
  const first = policy.forModule('corp.example/first');
  // Far more distinct paths than 4 KiB holds: the first decision is forgotten (and recomputed
  // equal), so memory stays bounded whatever paths clients ask for.
  for (let i = 0; i < 1000; i++) policy.forModule(`github.com/u${i}/repo`);
  const again = policy.forModule('corp.example/first');
  assert.notEqual(again, first);
  assert.deepEqual({ ...again }, { ...first });
});

test('compilePolicy: GOVCS defaults follow the configured rules; forbidden names the rule', () => {
  const def = compilePolicy({ ...none, private: 'corp.example' });
  def.checkVcs('git', 'github.com/a/b');
  def.checkVcs('hg', 'github.com/a/b');
  def.checkVcs('svn', 'corp.example/x');
  def.checkVcs('mod', 'anything.example/x');
  assert.throws(() => def.checkVcs('svn', 'github.com/a/b'), {
    name: 'ModgateError',
    kind: 'forbidden',
    message:
      'VCS policy disallows using svn for public github.com/a/b (default rule "public:git|hg" in direct.vcs_policy)',
  });
  const off = compilePolicy({
    ...none,
    vcsPolicy: 'corp.example/secret:off,*.corp.example:git',
    private: 'corp.example,*.corp.example',
  });
  assert.throws(() => off.checkVcs('git', 'corp.example/secret/repo'), {
    kind: 'forbidden',
    message:
      'VCS policy disallows using git for private corp.example/secret/repo (rule "corp.example/secret:off" in direct.vcs_policy)',
  });
  off.checkVcs('git', 'corp.example/other');
  off.checkVcs('git', 'git.corp.example/team');
  assert.throws(() => off.checkVcs('hg', 'git.corp.example/team'), {
    message: /rule "\*\.corp\.example:git"/,
  });
  // mod is always allowed, even by a rule that allows nothing.
  const nothing = compilePolicy({ ...none, vcsPolicy: '*:off' });
  nothing.checkVcs('mod', 'a.com/x');
  assert.throws(() => nothing.checkVcs('git', 'a.com/x'), { kind: 'forbidden' });
  assert.throws(() => compilePolicy({ ...none, vcsPolicy: 'x' }), { kind: 'invalid' });
});

test('compilePolicy: GOVCS "private" is about the repository root, not the module path', () => {
  // The module corp.example/mod is private, but its repository root public.example/repo is
  // not: the public rule applies (cmd/go checks GOVCS against the root).
  const policy = compilePolicy({ ...none, private: 'corp.example', vcsPolicy: 'public:off' });
  assert.equal(policy.forModule('corp.example/mod').private, true);
  assert.throws(() => policy.checkVcs('git', 'public.example/repo'), { kind: 'forbidden' });
  policy.checkVcs('git', 'corp.example/repo');
});
