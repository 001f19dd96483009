/**
 * Port of cmd/go's coderepo_test.go (codeRepoTests, codeRepoVersionsTests, latestTests,
 * TestNonCanonicalSemver) onto fake repositories of the same shape: same tags, files and
 * times, the fake's own commit hashes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import { CodeRepo } from '../../../src/upstream/direct/code-repo.js';
import { FakeCodeHost } from './fake-code-host.js';
import { readModuleZip } from './read-module-zip.js';
import { VGOTEST1, vgotest1 } from './vgotest1-fixture.js';

const { host, hashes } = vgotest1();
const short = (h: string | undefined): string => (h ?? '').slice(0, 12);

interface Want {
  version: string;
  name: string;
  time: string;
  gomod?: string;
  zip?: string[];
}

async function expectStat(path: string, rev: string, want: Want): Promise<void> {
  const repo = new CodeRepo(path, VGOTEST1, host);
  const info = await repo.stat(rev);
  assert.equal(info.version, want.version, `${path}@${rev} version`);
  assert.equal(info.name, want.name, `${path}@${rev} name`);
  assert.equal(info.short, want.name.slice(0, 12));
  assert.equal(info.time.toISOString(), new Date(want.time).toISOString());
  if (want.gomod !== undefined) {
    assert.equal((await repo.goMod(info.version)).toString(), want.gomod);
  }
  if (want.zip !== undefined) {
    const z = await readModuleZip(await repo.zip(info.version), `${path}@${info.version}/`);
    assert.deepEqual(z.names, want.zip);
  }
}

async function expectStatError(path: string, rev: string, message: string): Promise<void> {
  const repo = new CodeRepo(path, VGOTEST1, host);
  await assert.rejects(repo.stat(rev), (err: unknown) => {
    assert.ok(err instanceof ModgateError);
    assert.ok(err.message.includes(message), `${err.message}\n  does not contain\n${message}`);
    assert.equal(err.kind, 'not-found');
    return true;
  });
}

test('codeRepoTests: tags, hashes and pseudo-versions of the v0/v1 module', async () => {
  const zip = ['LICENSE', 'README.md', 'pkg/p.go'];
  const v1 = hashes.v1!;
  const t = '2018-02-19T23:10:06Z';
  await expectStat(VGOTEST1, 'v0.0.0', { version: 'v0.0.0', name: v1, time: t, zip });
  const pseudo = `v0.0.0-20180219231006-${short(v1)}`;
  await expectStat(VGOTEST1, pseudo, { version: pseudo, name: v1, time: t, zip });
  await expectStatError(
    VGOTEST1,
    `v0.0.1-0.20180219231006-${short(v1)}`,
    `${VGOTEST1}@v0.0.1-0.20180219231006-${short(v1)}: invalid pseudo-version: tag (v0.0.0) found on revision ${short(v1)} is already canonical, so should not be replaced with a pseudo-version derived from that tag`,
  );
  await expectStat(VGOTEST1, 'v1.0.0', { version: 'v1.0.0', name: v1, time: t, zip });
  await expectStat(VGOTEST1, v1.slice(0, 7), { version: 'v1.0.0', name: v1, time: t, zip });
  await expectStat(VGOTEST1, 'mytag', { version: 'v1.0.0', name: v1, time: t, zip });
});

test('codeRepoTests: v2 without any go.mod is not a /v2 module', async () => {
  const msg = `missing ${VGOTEST1}/go.mod and .../v2/go.mod at revision v2.0.0`;
  await expectStatError(`${VGOTEST1}/v2`, 'v2.0.0', msg);
  await expectStatError(`${VGOTEST1}/v2`, hashes.v200!.slice(0, 9), msg);
  await expectStatError(
    `${VGOTEST1}/v54321`,
    hashes.v1!.slice(0, 7),
    `${VGOTEST1}/v54321@v54321.0.0-20180219231006-${short(hashes.v1)}: invalid version: missing ${VGOTEST1}/go.mod and .../v54321/go.mod at revision ${short(hashes.v1)}`,
  );
});

test('codeRepoTests: a module in a subdirectory uses prefixed tags and gets the root LICENSE', async () => {
  await expectStatError(`${VGOTEST1}/submod`, 'v1.0.0', 'unknown revision submod/v1.0.0');
  await expectStatError(`${VGOTEST1}/submod`, 'v1.0.3', 'unknown revision submod/v1.0.3');
  await expectStat(`${VGOTEST1}/submod`, 'v1.0.4', {
    version: 'v1.0.4',
    name: hashes.submod!,
    time: '2018-02-19T23:12:07Z',
    gomod: 'module "github.com/vgotest1/submod" // submod/go.mod\n',
    zip: ['go.mod', 'pkg/p.go', 'LICENSE'],
  });
});

test('codeRepoTests: a root go.mod excludes the nested module from the zip', async () => {
  await expectStat(VGOTEST1, 'v1.1.0', {
    version: 'v1.1.0',
    name: hashes.v110!,
    time: '2018-02-19T23:13:36Z',
    gomod:
      'module "github.com/rsc/vgotest1" // root go.mod\nrequire "github.com/rsc/vgotest1/submod" v1.0.5\n',
    zip: ['LICENSE', 'README.md', 'go.mod', 'pkg/p.go'],
  });
});

test('codeRepoTests: major branch, major subdirectory and their errors', async () => {
  const v2 = `${VGOTEST1}/v2`;
  await expectStat(v2, 'v2.0.1', {
    version: 'v2.0.1',
    name: hashes.v201!,
    time: '2018-02-19T23:14:23Z',
    gomod: 'module "github.com/rsc/vgotest1/v2" // root go.mod\n',
    zip: ['LICENSE', 'README.md', 'go.mod', 'pkg/p.go'],
  });
  await expectStatError(
    v2,
    'v2.0.3',
    `${VGOTEST1}/v2/go.mod has non-.../v2 module path "github.com/rsc/vgotest" at revision v2.0.3`,
  );
  await expectStatError(
    v2,
    'v2.0.4',
    `${VGOTEST1}/go.mod and .../v2/go.mod both have .../v2 module paths at revision v2.0.4`,
  );
  await expectStat(v2, 'v2.0.5', {
    version: 'v2.0.5',
    name: hashes.v205!,
    time: '2018-02-20T00:03:59Z',
    gomod: 'module "github.com/rsc/vgotest1/v2" // v2/go.mod\n',
    // The major subdirectory: its files, its go.mod, and the root LICENSE.
    zip: ['go.mod', 'pkg/p.go', 'LICENSE'],
  });
});

test('codeRepoVersionsTests', async () => {
  assert.deepEqual(await new CodeRepo(VGOTEST1, VGOTEST1, host).versions(), [
    'v0.0.0',
    'v0.0.1',
    'v1.0.0',
    'v1.0.1',
    'v1.0.2',
    'v1.0.3',
    'v1.1.0',
  ]);
  assert.deepEqual(await new CodeRepo(`${VGOTEST1}/v2`, VGOTEST1, host).versions(), [
    'v2.0.0',
    'v2.0.1',
    'v2.0.2',
    'v2.0.3',
    'v2.0.4',
    'v2.0.5',
    'v2.0.6',
  ]);
  assert.deepEqual(await new CodeRepo(`${VGOTEST1}/submod`, VGOTEST1, host).versions(), ['v1.0.4']);
});

test('TestNonCanonicalSemver: only canonical tags are listed', async () => {
  const h = new FakeCodeHost();
  h.commit({ time: '2020-01-01T00:00:00Z', files: { 'a.go': 'package a\n' } });
  for (const t of ['huh?', '1.0.1', 'v1.🐕.🐄', 'v1', 'v0.1', 'v1.0.1']) h.tag(t);
  const root = 'golang.org/x/issue24476';
  assert.deepEqual(await new CodeRepo(root, root, h).versions(), ['v1.0.1']);
});

test('latestTests', async () => {
  const empty = new FakeCodeHost('empty');
  await assert.rejects(
    new CodeRepo('github.com/rsc/empty', 'github.com/rsc/empty', empty).latest(),
    /no commits/,
  );

  // HEAD of vgotest1 (a08abb797a67): go.mod claims a /v2 path, v2/go.mod claims /v2 too.
  const h = new FakeCodeHost('vgotest1-head');
  const head = h.commit({
    time: '2018-02-19T22:32:37Z',
    files: {
      'go.mod': 'module "github.com/vgotest1/v2" // root go.mod\n',
      'v2/go.mod': 'module "github.com/vgotest1/v2" // v2/go.mod\n',
      'subdir/p.go': 'package subdir\n',
    },
  });
  const pseudo = (major: string): string => `${major}.0.0-20180219223237-${short(head)}`;
  const latestError = async (path: string, message: string): Promise<void> => {
    await assert.rejects(new CodeRepo(path, VGOTEST1, h).latest(), (err: unknown) => {
      assert.ok(err instanceof ModgateError);
      assert.equal(err.message, message);
      return true;
    });
  };
  await latestError(
    VGOTEST1,
    `${VGOTEST1}@${pseudo('v0')}: invalid version: go.mod has post-v0 module path "github.com/vgotest1/v2" at revision ${short(head)}`,
  );
  await latestError(
    `${VGOTEST1}/v2`,
    `${VGOTEST1}/v2@${pseudo('v2')}: invalid version: ${VGOTEST1}/go.mod and .../v2/go.mod both have .../v2 module paths at revision ${short(head)}`,
  );
  await latestError(
    `${VGOTEST1}/subdir`,
    `${VGOTEST1}/subdir@${pseudo('v0')}: invalid version: missing ${VGOTEST1}/subdir/go.mod at revision ${short(head)}`,
  );

  // commit-after-tag.git and no-tags.git.
  const cat = new FakeCodeHost('commit-after-tag');
  cat.commit({ time: '2019-07-15T21:16:00Z', files: { 'go.mod': 'module m\n' } });
  cat.tag('v1.0.0');
  const after = cat.commit({ time: '2019-07-15T21:17:27Z', files: { 'a.go': 'package a\n' } });
  const p = 'vcs-test.golang.org/git/commit-after-tag.git';
  assert.equal(
    (await new CodeRepo(p, p, cat).latest()).version,
    `v1.0.1-0.20190715211727-${short(after)}`,
  );
  const none = new FakeCodeHost('no-tags');
  const only = none.commit({ time: '2019-07-15T21:20:47Z', files: { 'go.mod': 'module m\n' } });
  const q = 'vcs-test.golang.org/git/no-tags.git';
  assert.equal(
    (await new CodeRepo(q, q, none).latest()).version,
    `v0.0.0-20190715212047-${short(only)}`,
  );
});

test('a version checked once is not re-validated for its .mod and .zip', async () => {
  const h = new FakeCodeHost('verified');
  h.commit({ time: '2020-01-01T00:00:00Z', files: { 'go.mod': 'module example.com/v\n' } });
  h.tag('v1.0.0');
  const c = h.commit({ time: '2020-01-02T03:04:05Z', files: { 'a.go': 'package a\n' } });
  const repo = new CodeRepo('example.com/v', 'example.com/v', h);
  const pseudo = `v1.0.1-0.20200102030405-${short(c)}`;
  assert.equal((await repo.stat(pseudo)).version, pseudo);
  const after = { ...h.calls };
  assert.ok((after.descendsFrom ?? 0) > 0, 'the pseudo-version was validated');
  await repo.goMod(pseudo);
  (await repo.zip(pseudo)).resume();
  assert.equal(h.calls.descendsFrom, after.descendsFrom, 'no second validation');
  assert.equal(h.calls.recentTag, after.recentTag);
  // Another version is checked as before; a refused one is not remembered.
  await assert.rejects(repo.goMod(`v1.0.1-0.20200102030406-${short(c)}`), /invalid/);
  await assert.rejects(repo.goMod(`v1.0.1-0.20200102030406-${short(c)}`), /invalid/);
});
