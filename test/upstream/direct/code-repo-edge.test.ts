/**
 * The remaining repositories of cmd/go's codeRepoTests (odd-tags, semver-branch, v2sub,
 * gitrepo1, gopkg.in, a go-import root naming the full /v2 path), rebuilt as fakes with the
 * same tags, layout and times, and Go's expected versions and messages.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import { CodeRepo } from '../../../src/upstream/direct/code-repo.js';
import { FakeCodeHost } from './fake-code-host.js';

const short = (h: string): string => h.slice(0, 12);

async function rejectsWith(p: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ModgateError, String(err));
    assert.ok(err.message.includes(message), `${err.message}\n  does not contain\n${message}`);
    assert.equal(err.kind, 'not-found');
    return true;
  });
}

test('odd-tags: build metadata, an explicit +incompatible tag, a pseudo-version-shaped tag', async () => {
  const path = 'vcs-test.golang.org/git/odd-tags.git';
  const h = new FakeCodeHost('odd-tags');
  const a = h.commit({ time: '2022-02-23T18:48:35Z', files: { 'README.txt': 'a\n' } });
  h.tag('v0.1.0+build-metadata');
  h.branch('other', a);
  const b = h.commit({ time: '2022-02-23T18:48:02Z', fresh: true, files: { 'b.txt': 'b\n' } });
  h.tag('v2.0.0+incompatible');
  h.branch('third', a);
  h.commit({ time: '2022-02-23T18:49:00Z', files: { 'c.txt': 'c\n' } });
  h.tag(`v3.0.0-20220223184802-${short(b)}`);
  h.checkout('main');
  const repo = new CodeRepo(path, path, h);

  const pa = `v0.1.1-0.20220223184835-${short(a)}`;
  assert.equal((await repo.stat('v0.1.0+build-metadata')).version, pa);
  assert.equal((await repo.stat(short(a))).version, pa);
  assert.equal((await repo.stat('latest')).version, pa);
  assert.equal((await repo.latest()).version, pa);
  // The +incompatible is stripped before the tag is looked up.
  await rejectsWith(repo.stat('v2.0.0+incompatible'), 'unknown revision v2.0.0');
  assert.equal(
    (await repo.stat(short(b))).version,
    `v2.0.1-0.20220223184802-${short(b)}+incompatible`,
  );
  // A pseudo-version names its commit, whatever tag is spelled like it.
  const named = await repo.stat(`v3.0.0-20220223184802-${short(b)}`);
  assert.equal(named.version, `v3.0.0-20220223184802-${short(b)}+incompatible`);
  assert.equal(named.name, b);
  assert.deepEqual(await repo.versions(), []);
});

test('semver-branch: a branch named like a version must resolve to that version', async () => {
  const path = 'vcs-test.golang.org/git/semver-branch.git';
  const h = new FakeCodeHost('semver-branch');
  const c1 = h.commit({ time: '2022-02-02T19:00:00Z', files: { 'go.mod': `module ${path}\n` } });
  h.tag('v0.1.0');
  h.branch('v1.0.0', c1);
  const c2 = h.commit({ time: '2022-02-02T19:19:44Z', files: { 'a.go': 'package a\n' } });
  h.branch('v2.0.0', c1);
  h.branch('v3.0.0-devel', c1);
  const c3 = h.commit({ time: '2022-02-03T15:53:13Z', files: { 'b.go': 'package a\n' } });
  h.tag('v4.0.0-beta.1');
  h.checkout('main');
  const repo = new CodeRepo(path, path, h);

  await rejectsWith(
    repo.stat('v1.0.0'),
    `resolves to version v0.1.1-0.20220202191944-${short(c2)} (v1.0.0 is not a tag)`,
  );
  await rejectsWith(
    repo.stat('v2.0.0+incompatible'),
    'resolves to version v0.1.0 (v2.0.0 is not a tag)',
  );
  await rejectsWith(repo.stat('v2.0.0'), 'resolves to version v0.1.0 (v2.0.0 is not a tag)');
  // v4.0.0-beta.1 is on the commit but unusable (a go.mod exists, so no +incompatible).
  await rejectsWith(
    repo.stat('v3.0.0-devel'),
    `resolves to version v0.1.1-0.20220203155313-${short(c3)} (v3.0.0-devel is not a tag)`,
  );
});

test('v2sub: a v2/go.mod claims v2 tags, unless +incompatible is asked for (go.dev/issue/51324)', async () => {
  const path = 'vcs-test.golang.org/git/v2sub.git';
  const h = new FakeCodeHost('v2sub');
  const c1 = h.commit({
    time: '2022-02-22T20:53:33Z',
    files: {
      'v2/go.mod': `module ${path}/v2\n`,
      'v2/v2.go': 'package v2\n',
      'a.go': 'package a\n',
    },
  });
  h.tag('v2.0.0');
  const c2 = h.commit({ time: '2022-02-22T20:55:07Z', files: { 'b.go': 'package a\n' } });
  const repo = new CodeRepo(path, path, h);
  const must = `module contains a go.mod file, so module path must match major version ("${path}/v2")`;

  assert.equal((await repo.stat(short(c2))).version, `v0.0.0-20220222205507-${short(c2)}`);
  await rejectsWith(repo.stat('v2.0.0'), must);
  await rejectsWith(repo.stat(`v2.0.1-0.20220222205507-${short(c2)}`), must);
  const inc = await repo.stat('v2.0.0+incompatible');
  assert.equal(inc.version, 'v2.0.0+incompatible');
  assert.equal(inc.name, c1);
  const pinc = `v2.0.1-0.20220222205507-${short(c2)}+incompatible`;
  assert.equal((await repo.stat(pinc)).version, pinc);
  // The list does not look at v2/go.mod (Go's Versions does not either).
  assert.deepEqual(await repo.versions(), ['v2.0.0+incompatible']);
  // The /v2 module lives in the major subdirectory.
  const v2 = new CodeRepo(`${path}/v2`, path, h);
  assert.equal((await v2.stat('v2.0.0')).version, 'v2.0.0');
  assert.equal((await v2.goMod('v2.0.0')).toString(), `module ${path}/v2\n`);
  assert.equal((await v2.stat(short(c2))).version, `v2.0.1-0.20220222205507-${short(c2)}`);
});

test('gitrepo1: highest tag on a branch tip; a branch named v2.3.4 is not a tag', async () => {
  const path = 'vcs-test.golang.org/go/mod/gitrepo1';
  const h = new FakeCodeHost('gitrepo1');
  const c1 = h.commit({ time: '2018-04-17T15:43:22Z', files: { 'hello.go': 'package hello\n' } });
  h.tag('v2.0.1');
  h.branch('v2.3.4', c1);
  h.checkout('main');
  const tip = h.commit({ time: '2018-04-17T19:43:22Z', files: { 'world.go': 'package hello\n' } });
  h.tag('v1.2.3');
  h.tag('v1.2.4-annotated');
  const repo = new CodeRepo(path, path, h);
  const info = await repo.stat('main');
  assert.equal(info.version, 'v1.2.4-annotated');
  assert.equal(info.name, tip);
  assert.equal((await repo.goMod('v1.2.4-annotated')).toString(), `module ${path}\n`);
  await rejectsWith(
    repo.stat('v2.3.4+incompatible'),
    'resolves to version v2.0.1+incompatible (v2.3.4 is not a tag)',
  );
});

test('gopkg.in: .vN suffixes, pseudo-versions of the suffix major, -unstable, subpackages', async () => {
  const yaml = new FakeCodeHost('yaml');
  const d = yaml.commit({ time: '2018-01-09T11:43:31Z', files: { 'yaml.go': 'package yaml\n' } });
  yaml.tag('v2.0.0');
  const y = new CodeRepo('gopkg.in/yaml.v2', 'gopkg.in/yaml.v2', yaml);
  assert.equal((await y.stat(d.slice(0, 8))).version, 'v2.0.0');
  assert.equal((await y.goMod('v2.0.0')).toString(), 'module gopkg.in/yaml.v2\n');

  const check = new FakeCodeHost('check');
  const c = check.commit({
    time: '2016-12-08T18:13:25Z',
    files: { 'check.go': 'package check\n' },
  });
  const ch = new CodeRepo('gopkg.in/check.v1', 'gopkg.in/check.v1', check);
  const pv = `v1.0.0-20161208181325-${short(c)}`;
  assert.equal((await ch.stat(short(c))).version, pv);
  assert.equal((await ch.goMod(pv)).toString(), 'module gopkg.in/check.v1\n');

  // A non-canonical tag is just a name: the pseudo-version takes the path's major.
  const lj = new FakeCodeHost('lumberjack');
  const l = lj.commit({ time: '2017-05-31T16:03:50Z', files: { 'lj.go': 'package lumberjack\n' } });
  lj.tag('v2.1');
  const ljPath = 'gopkg.in/natefinch/lumberjack.v2';
  const lr = new CodeRepo(ljPath, ljPath, lj);
  assert.equal((await lr.stat('v2.1')).version, `v2.0.0-20170531160350-${short(l)}`);
  assert.equal(
    (await lr.goMod(`v2.0.0-20170531160350-${short(l)}`)).toString(),
    `module ${ljPath}\n`,
  );

  // -unstable has no versions; a package below a gopkg.in module is no module.
  const unstable = 'gopkg.in/macaroon-bakery.v2-unstable';
  assert.deepEqual(await new CodeRepo(unstable, unstable, yaml).versions(), []);
  assert.throws(
    () => new CodeRepo('gopkg.in/yaml.v2/abc', 'gopkg.in/yaml.v2', yaml),
    (err: unknown) =>
      err instanceof ModgateError &&
      err.kind === 'not-found' &&
      err.message === 'invalid module path "gopkg.in/yaml.v2/abc"',
  );

  // go.dev/issue/34254: a fork at an unversioned path may declare a gopkg.in path.
  const fork = new FakeCodeHost('fork');
  fork.commit({ time: '2019-01-01T00:00:00Z', files: { 'go.mod': 'module gopkg.in/yaml.v2\n' } });
  fork.tag('v1.0.0');
  const f = new CodeRepo('example.com/fork', 'example.com/fork', fork);
  assert.equal((await f.stat('v1.0.0')).version, 'v1.0.0');
  assert.equal((await f.goMod('v1.0.0')).toString(), 'module gopkg.in/yaml.v2\n');
});

test('a go-import root naming the full /v2 path: go.mod at the root must claim v2', async () => {
  const path = 'nanomsg.org/go/mangos/v2';
  const h = new FakeCodeHost('mangos');
  h.commit({ time: '2019-04-03T15:52:15Z', files: { 'go.mod': `module ${path}\n\ngo 1.12\n` } });
  h.tag('v2.0.0');
  const repo = new CodeRepo(path, path, h);
  assert.equal(repo.layout.codeDir, '');
  assert.equal((await repo.stat('v2.0.0')).version, 'v2.0.0');
  assert.equal((await repo.goMod('v2.0.0')).toString(), `module ${path}\n\ngo 1.12\n`);
  const wrong = new FakeCodeHost('mangos-wrong');
  wrong.commit({
    time: '2019-04-03T15:52:15Z',
    files: { 'go.mod': 'module nanomsg.org/go/mangos\n' },
  });
  wrong.tag('v2.0.0');
  await rejectsWith(
    new CodeRepo(path, path, wrong).stat('v2.0.0'),
    `${path}@v2.0.0: invalid version: go.mod has non-.../v2 module path "nanomsg.org/go/mangos" at revision v2.0.0`,
  );
  // Without any go.mod a /v2 root is no module.
  const none = new FakeCodeHost('mangos-none');
  none.commit({ time: '2019-04-03T15:52:15Z', files: { 'a.go': 'package a\n' } });
  none.tag('v2.0.0');
  await rejectsWith(
    new CodeRepo(path, path, none).stat('v2.0.0'),
    `missing ${path}/go.mod at revision v2.0.0`,
  );
});

test('repository layout errors', () => {
  assert.throws(
    () => new CodeRepo('example.com/a/b', 'example.com/c', new FakeCodeHost()),
    /mismatched repo: found example.com\/c for example.com\/a\/b/,
  );
  const r = new CodeRepo('example.com/repo/sub/v3', 'example.com/repo', new FakeCodeHost());
  assert.deepEqual(
    { ...r.layout },
    {
      modulePath: 'example.com/repo/sub/v3',
      codeRoot: 'example.com/repo',
      codeDir: 'sub',
      pathPrefix: 'example.com/repo/sub',
      pathMajor: '/v3',
      pseudoMajor: 'v3',
      tagPrefix: 'sub/',
    },
  );
});
