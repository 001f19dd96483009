/**
 * Conformance of DirectUpstream (CodeRepo over the git CodeHost) with the real go command in
 * `GOPROXY=direct` mode: for every case, the version, the `.info` Time, the `.mod` bytes, the
 * go.mod and zip `h1:` sums and the version lists must be what `go mod download -json` and
 * `go list -m -versions -retracted` report for the same repositories.
 *
 * How the go command reaches the test repositories offline: module paths carry the `.git`
 * VCS qualifier (`example.com/repo.git/sub/v2`), so cmd/go's "general syntax for any server"
 * rule (vcs.go) takes `example.com/repo` as the repository without any go-get lookup and
 * pings `git://example.com/repo`; `GIT_ALLOW_PROTOCOL=git` makes the git scheme acceptable
 * (cmd/go treats the schemes git allows as secure), and a temporary `GIT_CONFIG_GLOBAL` with
 * `url."git://127.0.0.1:<port>/".insteadOf = git://example.com/` sends git to the
 * `git daemon` the test runs. Our side resolves the same paths to the daemon URL directly.
 *
 * gopkg.in paths are not covered here: Go 1.19 resolves them with a go-get request to
 * gopkg.in (there is no static rule for them), which needs a meta server; the unit tests
 * cover their module rules.
 *
 * All repositories are built once; the go command runs twice (one `go mod download` with
 * every query, one `go list`), and each case compares against those answers.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ModgateError, notFound } from '../../../src/errors/index.js';
import { DirectUpstream } from '../../../src/upstream/direct/direct-upstream.js';
import { GoSandbox } from '../../support/go-sandbox.js';
import { GitFixture } from './git/git-fixture.js';
import {
  assertSameDownload,
  goDirectAnswers,
  type GoDownload,
  type GoInfo,
} from './conformance-support.js';

interface Case {
  /** What the case shows (also its test name). */
  what: string;
  /** Module path. */
  path: string;
  /** The query as given to the go command (`path@query`). */
  query: string | (() => string);
  /** Whether the go command resolves it; default `ok`. */
  expect?: 'ok' | 'error';
}

let fx: GitFixture;
let go: GoSandbox;
let upstream: DirectUpstream;
let scratch: string;
const c: Record<string, string> = {};
let downloads = new Map<string, GoDownload>();
let lists = new Map<string, string[]>();
const ctx = {};

const LICENSE = 'Copyright 2024 The Test Authors\n';

/** Committer dates (author dates stay at the fixture's 2001 default: pseudo-versions use these). */
const D = {
  r1: '2021-01-01T10:00:00Z',
  r2: '2021-01-02T10:00:00Z',
  r3: '2021-01-03T10:00:00Z',
  r4: '2021-01-04T10:00:00Z',
  r5: '2021-01-05T10:00:00Z',
  r6: '2021-01-06T10:00:00Z',
  r7: '2021-01-07T10:00:00Z',
  f1: '2021-01-05T12:34:56Z',
  x1: '2021-01-05T13:00:00Z',
};

async function buildRepos(): Promise<void> {
  // example.com/repo.git — the root module:
  //   r1 v0.1.0 ─ r2 v1.0.0-rc.1, release-1 ─ r3 v1.0.0 (annotated) ─ r4 ─ r5 v1.1.0 ─
  //   r6 v1.2.0 (retracts v1.1.0; vendor/, a symlink, nested module nested/v0.1.0) ─
  //   r7 v1.3.0+meta (main, HEAD)
  //   r4 ── f1 (feature)        r5 ── x1 (fix: after the retracted v1.1.0)
  const repo = await fx.newRepo('repo');
  const goMod = 'module example.com/repo.git\n\ngo 1.16\n';
  c.r1 = await fx.commit(repo, { 'go.mod': goMod, 'a.go': 'package a\n', LICENSE }, 'r1', D.r1);
  await fx.git(repo, ['tag', 'v0.1.0']);
  c.r2 = await fx.commit(repo, { 'a.go': 'package a // rc\n' }, 'r2', D.r2);
  await fx.git(repo, ['tag', 'v1.0.0-rc.1']);
  await fx.git(repo, ['tag', 'release-1']);
  c.r3 = await fx.commit(repo, { 'b.go': 'package a\n\nconst B = 1\n' }, 'r3', D.r3);
  await fx.annotatedTag(repo, 'v1.0.0', 'HEAD', '2022-01-01T00:00:00Z');
  c.r4 = await fx.commit(repo, { 'c.go': 'package a\n' }, 'r4', D.r4);
  c.r5 = await fx.commit(repo, { 'c.go': 'package a // bug\n' }, 'r5', D.r5);
  await fx.git(repo, ['tag', 'v1.1.0']);
  c.r6 = await fx.commit(
    repo,
    {
      'go.mod': `${goMod}\nretract v1.1.0 // broken\n`,
      'c.go': 'package a // fixed\n',
      'vendor/modules.txt': '# example.org/dep v1.0.0\n',
      'vendor/example.org/dep/dep.go': 'package dep\n',
      'pkg/vendor/v.go': 'package vendor\n',
      'pkg/p.go': 'package pkg\n',
      'link.go': { symlink: 'a.go' },
      'script.sh': '#!/bin/sh\necho hi\n',
      'nested/go.mod': 'module example.com/repo.git/nested\n',
      'nested/n.go': 'package nested\n',
      'Upper/Case.go': 'package upper\n',
    },
    'r6',
    D.r6,
  );
  await chmod(join(repo, 'script.sh'), 0o755);
  c.r6 = await fx.commit(repo, {}, 'r6 (chmod)', D.r6);
  await fx.git(repo, ['tag', 'v1.2.0']);
  await fx.git(repo, ['tag', 'nested/v0.1.0']);
  c.r7 = await fx.commit(repo, { 'd.go': 'package a\n' }, 'r7', D.r7);
  await fx.git(repo, ['tag', 'v1.3.0+meta']);
  await fx.git(repo, ['checkout', '-q', '-b', 'feature', c.r4]);
  c.f1 = await fx.commit(repo, { 'f.go': 'package a\n' }, 'f1', D.f1);
  await fx.git(repo, ['checkout', '-q', '-b', 'fix', c.r5]);
  c.x1 = await fx.commit(repo, { 'x.go': 'package a\n' }, 'x1', D.x1);
  await fx.git(repo, ['checkout', '-q', 'main']);

  // example.com/multi.git — modules in subdirectories, root LICENSE only:
  //   sub (tags sub/v1.0.0) and sub/v2 in the major subdirectory sub/v2 (tags sub/v2.0.0).
  const multi = await fx.newRepo('multi');
  c.m1 = await fx.commit(
    multi,
    {
      LICENSE,
      'README.md': 'multi\n',
      'sub/go.mod': 'module example.com/multi.git/sub\n\ngo 1.18\n',
      'sub/s.go': 'package sub\n',
      'sub/v2/go.mod': 'module example.com/multi.git/sub/v2\n\ngo 1.18\n',
      'sub/v2/s.go': 'package sub\n',
    },
    'm1',
    '2022-03-01T08:00:00Z',
  );
  await fx.git(multi, ['tag', 'sub/v1.0.0']);
  await fx.git(multi, ['tag', 'sub/v2.0.0']);
  c.m2 = await fx.commit(multi, { 'sub/v2/t.go': 'package sub\n' }, 'm2', '2022-03-02T08:00:00Z');

  // example.com/major.git — major branch: v1 on main, v2 on dev2 (go.mod says /v2).
  const major = await fx.newRepo('major');
  c.j1 = await fx.commit(
    major,
    { 'go.mod': 'module example.com/major.git\n', 'j.go': 'package major\n' },
    'j1',
    '2022-04-01T00:00:00Z',
  );
  await fx.git(major, ['tag', 'v1.0.0']);
  await fx.git(major, ['checkout', '-q', '-b', 'dev2']);
  c.j2 = await fx.commit(
    major,
    { 'go.mod': 'module example.com/major.git/v2\n' },
    'j2',
    '2022-04-02T00:00:00Z',
  );
  await fx.git(major, ['tag', 'v2.0.0']);
  c.j3 = await fx.commit(major, { 'j.go': 'package major // 2.1\n' }, 'j3', '2022-04-03T00:00:00Z');
  await fx.git(major, ['tag', 'v2.1.0']);
  c.j4 = await fx.commit(major, { 'k.go': 'package major\n' }, 'j4', '2022-04-04T00:00:00Z');
  await fx.git(major, ['checkout', '-q', 'main']);

  // example.com/incompat.git — no go.mod: v2+ tags are +incompatible; v4 (own branch) has a
  // go.mod, so it is dropped from the root module's list and belongs to /v4.
  const inc = await fx.newRepo('incompat');
  c.i1 = await fx.commit(inc, { 'i.go': 'package inc\n' }, 'i1', '2022-05-01T00:00:00Z');
  await fx.git(inc, ['tag', 'v1.0.0']);
  c.i2 = await fx.commit(inc, { 'i.go': 'package inc // 2\n' }, 'i2', '2022-05-02T00:00:00Z');
  await fx.git(inc, ['tag', 'v2.0.0']);
  c.i3 = await fx.commit(inc, { 'i.go': 'package inc // 2.1\n' }, 'i3', '2022-05-03T00:00:00Z');
  await fx.git(inc, ['tag', 'v2.1.0']);
  c.i4 = await fx.commit(inc, { 'i.go': 'package inc // 3\n' }, 'i4', '2022-05-04T00:00:00Z');
  await fx.git(inc, ['tag', 'v3.0.0']);
  c.i5 = await fx.commit(inc, { 'j.go': 'package inc\n' }, 'i5', '2022-05-05T00:00:00Z');
  await fx.git(inc, ['checkout', '-q', '-b', 'v4dev']);
  c.i6 = await fx.commit(
    inc,
    { 'go.mod': 'module example.com/incompat.git/v4\n' },
    'i6',
    '2022-05-06T00:00:00Z',
  );
  await fx.git(inc, ['tag', 'v4.0.0']);
  await fx.git(inc, ['checkout', '-q', 'main']);

  // example.com/notags.git — no tags at all.
  const notags = await fx.newRepo('notags');
  await fx.commit(
    notags,
    { 'go.mod': 'module example.com/notags.git\n' },
    'n1',
    '2022-06-01T00:00:00Z',
  );
  c.n2 = await fx.commit(notags, { 'n.go': 'package n\n' }, 'n2', '2022-06-02T01:02:03Z');

  // example.com/v2sub.git — no root go.mod, v2/go.mod claims the v2 tags (go.dev/issue/51324).
  const v2sub = await fx.newRepo('v2sub');
  await fx.commit(
    v2sub,
    {
      'a.go': 'package a\n',
      'v2/go.mod': 'module example.com/v2sub.git/v2\n',
      'v2/a.go': 'package a\n',
    },
    'v1',
    '2022-02-22T20:53:33Z',
  );
  await fx.git(v2sub, ['tag', 'v2.0.0']);
  c.v2 = await fx.commit(v2sub, { 'b.go': 'package a\n' }, 'v2', '2022-02-22T20:55:07Z');

  // example.com/odd.git — branches named like versions, tags with build metadata and
  // an explicit +incompatible.
  const odd = await fx.newRepo('odd');
  c.o1 = await fx.commit(
    odd,
    { 'go.mod': 'module example.com/odd.git\n' },
    'o1',
    '2022-02-02T19:00:00Z',
  );
  await fx.git(odd, ['tag', 'v0.1.0']);
  await fx.git(odd, ['branch', 'v2.0.0']);
  await fx.git(odd, ['checkout', '-q', '-b', 'v1.0.0']);
  c.o2 = await fx.commit(odd, { 'a.go': 'package odd\n' }, 'o2', '2022-02-02T19:19:44Z');
  await fx.git(odd, ['tag', 'v0.2.0+build-metadata']);
  await fx.git(odd, ['checkout', '-q', '--orphan', 'noversion']);
  c.o3 = await fx.commit(
    odd,
    { 'go.mod': null, 'a.go': null, 'b.go': 'package odd\n' },
    'o3',
    '2022-02-23T18:48:02Z',
  );
  await fx.git(odd, ['tag', 'v2.0.0+incompatible']);
  await fx.git(odd, ['checkout', '-q', 'main']);

  // example.com/Upper.git — an upper-case path element (escaped as !upper in the cache).
  const upper = await fx.newRepo('Upper');
  await fx.commit(
    upper,
    { 'go.mod': 'module example.com/Upper.git\n', 'U.go': 'package upper\n' },
    'u1',
    '2022-07-01T00:00:00Z',
  );
  await fx.git(upper, ['tag', 'v1.0.0']);
}

const R = 'example.com/repo.git';
const s12 = (name: string) => (): string => (c[name] ?? '').slice(0, 12);

/**
 * The cases: module path, query (a function when it names a commit of the repositories
 * built in `before`), and whether the go command resolves it (`ok`) or refuses it.
 */
const CASES: readonly Case[] = [
  { what: 'release', path: R, query: 'v0.1.0' },
  { what: 'prerelease', path: R, query: 'v1.0.0-rc.1' },
  { what: 'annotated release tag', path: R, query: 'v1.0.0' },
  { what: 'untagged commit after a tag, by short hash: pseudo-version', path: R, query: s12('r4') },
  { what: 'untagged commit by full hash', path: R, query: () => c.r4! },
  {
    what: 'abbreviated hash of a tagged commit gives the tag',
    path: R,
    query: () => c.r3!.slice(0, 7),
  },
  { what: 'branch query', path: R, query: 'feature' },
  { what: 'default branch query', path: R, query: 'main' },
  { what: 'HEAD query (Latest)', path: R, query: 'HEAD' },
  { what: 'tag that is not semver', path: R, query: 'release-1' },
  { what: 'tag with build metadata: pseudo-version based on it', path: R, query: 'v1.3.0+meta' },
  { what: 'retracted version asked for explicitly', path: R, query: 'v1.1.0' },
  { what: 'pseudo-version base skips a retracted tag', path: R, query: 'fix' },
  {
    what: 'vendor directories, symlink, executable, nested module excluded',
    path: R,
    query: 'v1.2.0',
  },
  {
    what: 'pseudo-version with an older ancestor base is accepted',
    path: R,
    query: () => `v1.0.1-0.20210107100000-${s12('r7')()}`,
  },
  {
    what: 'pseudo-version with the wrong time is refused',
    path: R,
    query: () => `v1.3.1-0.20210107100001-${s12('r7')()}`,
    expect: 'error',
  },
  {
    what: 'pseudo-version replacing a canonical tag is refused',
    path: R,
    query: () => `v1.0.1-0.20210103100000-${s12('r3')()}`,
    expect: 'error',
  },
  { what: 'unknown revision', path: R, query: 'nonexistent', expect: 'error' },
  { what: 'unknown version', path: R, query: 'v9.9.9', expect: 'error' },
  { what: 'nested module at a prefixed tag', path: `${R}/nested`, query: 'v0.1.0' },
  {
    what: 'subdirectory module with prefixed tags and the root LICENSE',
    path: 'example.com/multi.git/sub',
    query: 'v1.0.0',
  },
  {
    what: '/v2 module in a major subdirectory',
    path: 'example.com/multi.git/sub/v2',
    query: 'v2.0.0',
  },
  {
    what: '/v2 subdirectory module at an untagged commit',
    path: 'example.com/multi.git/sub/v2',
    query: 'main',
  },
  { what: 'v1 of a major-branch repository', path: 'example.com/major.git', query: 'v1.0.0' },
  { what: 'major branch /v2 release', path: 'example.com/major.git/v2', query: 'v2.1.0' },
  { what: 'major branch /v2 pseudo-version', path: 'example.com/major.git/v2', query: 'dev2' },
  {
    what: 'major branch commit is not the v1 module',
    path: 'example.com/major.git',
    query: 'dev2',
    expect: 'error',
  },
  {
    what: 'v1 tag of a repository without go.mod',
    path: 'example.com/incompat.git',
    query: 'v1.0.0',
  },
  {
    what: 'v2 tag without go.mod is +incompatible',
    path: 'example.com/incompat.git',
    query: 'v2.1.0+incompatible',
  },
  { what: 'v2 tag asked without +incompatible', path: 'example.com/incompat.git', query: 'v2.0.0' },
  { what: '+incompatible pseudo-version', path: 'example.com/incompat.git', query: 'main' },
  {
    what: 'v4 tag with a go.mod is not +incompatible',
    path: 'example.com/incompat.git',
    query: 'v4.0.0',
    expect: 'error',
  },
  { what: 'v4 module on its branch', path: 'example.com/incompat.git/v4', query: 'v4.0.0' },
  { what: 'repository without tags', path: 'example.com/notags.git', query: 'HEAD' },
  { what: 'upper-case path element', path: 'example.com/Upper.git', query: 'v1.0.0' },
  {
    what: 'v2/go.mod: an untagged commit of the root module is v0',
    path: 'example.com/v2sub.git',
    query: s12('v2'),
  },
  {
    what: 'v2/go.mod: the v2 tag is not the root module',
    path: 'example.com/v2sub.git',
    query: 'v2.0.0',
    expect: 'error',
  },
  {
    what: 'v2/go.mod: +incompatible asked explicitly is allowed',
    path: 'example.com/v2sub.git',
    query: 'v2.0.0+incompatible',
  },
  {
    what: 'v2/go.mod: an explicit +incompatible pseudo-version is allowed',
    path: 'example.com/v2sub.git',
    query: () => `v2.0.1-0.20220222205507-${s12('v2')()}+incompatible`,
  },
  { what: 'v2/go.mod: the /v2 module', path: 'example.com/v2sub.git/v2', query: 'v2.0.0' },
  {
    what: 'a branch named like a version does not resolve to it',
    path: 'example.com/odd.git',
    query: 'v1.0.0',
    expect: 'error',
  },
  {
    what: 'a branch named like a +incompatible version',
    path: 'example.com/odd.git',
    query: 'v2.0.0+incompatible',
    expect: 'error',
  },
  {
    what: 'the commit of a tag with build metadata, by hash',
    path: 'example.com/odd.git',
    query: s12('o2'),
  },
  {
    what: 'an explicit +incompatible tag is only a pseudo-version base',
    path: 'example.com/odd.git',
    query: s12('o3'),
  },
];

/** Modules whose version lists are compared, each with a query the go command can resolve. */
const LISTS: Record<string, string> = {
  'example.com/repo.git': 'v1.0.0',
  'example.com/repo.git/nested': 'v0.1.0',
  'example.com/multi.git/sub': 'v1.0.0',
  'example.com/multi.git/sub/v2': 'v2.0.0',
  'example.com/major.git': 'v1.0.0',
  'example.com/major.git/v2': 'v2.0.0',
  'example.com/incompat.git': 'v1.0.0',
  'example.com/incompat.git/v4': 'v4.0.0',
  'example.com/notags.git': 'HEAD',
  'example.com/Upper.git': 'v1.0.0',
  'example.com/v2sub.git': 'v2.0.0+incompatible',
  'example.com/v2sub.git/v2': 'v2.0.0',
  'example.com/odd.git': 'v0.1.0',
};

before(async () => {
  fx = await GitFixture.create();
  await buildRepos();
  const port = await fx.startDaemon();
  scratch = await mkdtemp(join(tmpdir(), 'modgate-conformance-'));

  // Our side: the same paths, resolved straight to the daemon.
  const cache = fx.cache();
  upstream = new DirectUpstream(
    (modulePath) => {
      const m = /^example\.com\/([A-Za-z0-9_.-]+)\.git(?:\/|$)/.exec(modulePath);
      if (m === null) return Promise.reject(notFound(`no repository for ${modulePath}`));
      const url = `git://127.0.0.1:${port}/${m[1]!}`;
      return Promise.resolve({
        root: `example.com/${m[1]!}.git`,
        codeHost: cache.codeHost(url),
        vcs: 'git',
        url,
      });
    },
    { tmpDir: scratch },
  );

  // The go command's side.
  go = await GoSandbox.create();
  const gitConfig = join(go.root, 'gitconfig');
  await writeFile(
    gitConfig,
    `[url "git://127.0.0.1:${port}/"]\n\tinsteadOf = git://example.com/\n`,
  );
  const env = {
    GOPRIVATE: '*',
    GIT_CONFIG_GLOBAL: gitConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_ALLOW_PROTOCOL: 'git',
  };
  const answers = await goDirectAnswers(
    go,
    env,
    CASES.map((k) => `${k.path}@${queryOf(k)}`),
    LISTS,
  );
  downloads = answers.downloads;
  lists = answers.lists;
});

after(async () => {
  await go?.cleanup();
  await fx?.close();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

function queryOf(k: Case): string {
  return typeof k.query === 'string' ? k.query : k.query();
}

async function conform(k: Case): Promise<void> {
  const query = queryOf(k);
  const want = downloads.get(`${k.path}@${query}`);
  assert.ok(want, `the go command said nothing about ${k.path}@${query}`);
  assert.equal(want.Error === undefined, (k.expect ?? 'ok') === 'ok', `go: ${want.Error ?? 'ok'}`);
  if (want.Error !== undefined) {
    await assert.rejects(upstream.info(k.path, query, ctx), (err: unknown) => {
      assert.ok(err instanceof ModgateError, String(err));
      assert.equal(err.kind, 'not-found');
      // The code host names itself before its own reasons; the rest reads as Go's.
      const reason = (m: string): string => m.replace(/^.*?: invalid (pseudo-)?version: /, '');
      const ours = reason(err.message).replace(/^git git:\/\/\S+: /, '');
      assert.equal(ours, reason(want.Error!), `ours: ${err.message}\ngo:   ${want.Error!}`);
      return true;
    });
    return;
  }
  // Origin.Ref and URL are left out: the go command's cached .info keeps whichever query wrote
  // it first, and its URL is the git:// name before the insteadOf rewrite.
  await assertSameDownload(upstream, scratch, k.path, query, want, ['VCS', 'Hash', 'Subdir']);
}

for (const k of CASES) test(k.what, () => conform(k));

test('version lists match go list -m -versions -retracted', async () => {
  for (const path of Object.keys(LISTS)) {
    assert.deepEqual(await upstream.list(path, ctx), lists.get(path), path);
  }
});

test('latest is the go command HEAD query', async () => {
  // The go command's Stat("HEAD") is codeRepo.Latest with a query that changes nothing.
  for (const [path, query] of [
    [R, 'HEAD'],
    ['example.com/notags.git', 'HEAD'],
    ['example.com/incompat.git', 'main'],
  ] as const) {
    const want = downloads.get(`${path}@${query}`);
    assert.ok(want?.Version, path);
    const ours = await upstream.latest(path, ctx);
    assert.equal(ours.version, want.Version, path);
    assert.equal(ours.time, (JSON.parse(await readFile(want.Info!, 'utf8')) as GoInfo).Time);
  }
});
