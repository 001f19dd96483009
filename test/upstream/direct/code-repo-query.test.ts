/**
 * Port of cmd/go's modload/query_test.go queryTests, for the queries the go command answers
 * with codeRepo.Stat (full versions, hashes, branches, tags, pseudo-versions) — the ones a
 * proxy's `.info` endpoint sees. Range and prefix queries (`<v1`, `v0.1`, `latest`,
 * `upgrade`) are resolved by the client from `@v/list`; the list itself is checked here.
 * The repository is built as in the test's construction script; hashes are the fake's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import { CodeRepo } from '../../../src/upstream/direct/code-repo.js';
import { FakeCodeHost } from './fake-code-host.js';

const QUERY_REPO = 'vcs-test.golang.org/git/querytest.git';
const host = new FakeCodeHost('querytest');
/** Commits by name: `start`, `before v0.0.2`, `at v0.0.2`, …, `v2 go.mod`. */
const at: Record<string, string> = {};
let minute = 0;
const tick = (): string => new Date(Date.UTC(2018, 6, 4, 2, 30 + minute++, 7)).toISOString();

at.start = host.commit({ time: tick(), files: { 'go.mod': `module ${QUERY_REPO}\n` } });
host.tag('start');
for (const v of [
  'v0.0.0-pre1',
  'v0.0.0',
  'v0.0.1',
  'v0.0.2',
  'v0.0.3',
  'v0.1.0',
  'v0.1.1',
  'v0.1.2',
  'v0.3.0',
  'v1.0.0',
  'v1.1.0',
  'v1.9.0',
  'v1.9.9',
  'v1.9.10-pre1',
  'v1.9.10-pre2+metadata',
  'unversioned',
]) {
  at[`before ${v}`] = host.commit({ time: tick(), files: { status: `before ${v}\n` } });
  at[`at ${v}`] = host.commit({ time: tick(), files: { status: `at ${v}\n` } });
  host.tag(v);
}
host.tag('favorite', 'v0.0.3');
host.branch('v2', 'start');
at['v2 go.mod'] = host.commit({ time: tick(), files: { 'go.mod': `module ${QUERY_REPO}/v2\n` } });
for (const v of ['v2.0.0', 'v2.1.0', 'v2.2.0', 'v2.5.5', 'v2.6.0-pre1']) {
  at[`before ${v}`] = host.commit({ time: tick(), files: { status: `before ${v}\n` } });
  at[`at ${v}`] = host.commit({ time: tick(), files: { status: `at ${v}\n` } });
  host.tag(v);
}
host.checkout('main');

const repo = new CodeRepo(QUERY_REPO, QUERY_REPO, host);
const repoV2 = new CodeRepo(`${QUERY_REPO}/v2`, QUERY_REPO, host);
const repoV3 = new CodeRepo(`${QUERY_REPO}/v3`, QUERY_REPO, host);

const short = (name: string): string => at[name]!.slice(0, 12);
/** The pseudo-version time segment of a commit. */
const stamp = (name: string): string =>
  host.commitTime(at[name]!).toISOString().replace(/[-:T]/g, '').slice(0, 14);

async function stat(r: CodeRepo, query: string): Promise<string> {
  return (await r.stat(query)).version;
}

async function statError(r: CodeRepo, query: string, message: string): Promise<void> {
  await assert.rejects(r.stat(query), (err: unknown) => {
    assert.ok(err instanceof ModgateError);
    assert.equal(err.message, message);
    assert.equal(err.kind, 'not-found');
    return true;
  });
}

test('queryTests: versions, tags and branches', async () => {
  assert.equal(await stat(repo, 'v0.0.1'), 'v0.0.1');
  assert.equal(await stat(repo, 'favorite'), 'v0.0.3');
  assert.equal(await stat(repo, at['at v0.1.0']!.slice(0, 7)), 'v0.1.0');
  assert.equal(await stat(repoV2, 'v2.6.0-pre1'), 'v2.6.0-pre1');
  await statError(
    repo,
    'v0.0.99',
    `${QUERY_REPO}@v0.0.99: invalid version: unknown revision v0.0.99`,
  );
  // The client retries `v0.0.1+foo` as `v0.0.1` after this fails.
  await statError(
    repo,
    'v0.0.1+foo',
    `${QUERY_REPO}@v0.0.1+foo: invalid version: unknown revision v0.0.1+foo`,
  );
  await statError(
    repo,
    'v1.9.10-pre2+wrongmetadata',
    `${QUERY_REPO}@v1.9.10-pre2+wrongmetadata: invalid version: unknown revision v1.9.10-pre2+wrongmetadata`,
  );
  await statError(
    repo,
    'v1.9.10-pre2',
    `${QUERY_REPO}@v1.9.10-pre2: invalid version: unknown revision v1.9.10-pre2`,
  );
});

test('queryTests: pseudo-versions and their bases', async () => {
  const pre2 = `v1.9.10-pre2.0.${stamp('at v1.9.10-pre2+metadata')}-${short('at v1.9.10-pre2+metadata')}`;
  // A tag with build metadata is the base of a pseudo-version for its own commit.
  assert.equal(await stat(repo, 'v1.9.10-pre2+metadata'), pre2);
  assert.equal(await stat(repo, short('at v1.9.10-pre2+metadata')), pre2);
  // The newest commit: the highest ancestor tag (by semver, build metadata ignored).
  assert.equal(
    await stat(repo, at['at unversioned']!.slice(0, 8)),
    `v1.9.10-pre2.0.${stamp('at unversioned')}-${short('at unversioned')}`,
  );
  assert.equal(
    await stat(repo, at['before v0.0.2']!.slice(0, 7)),
    `v0.0.2-0.${stamp('before v0.0.2')}-${short('before v0.0.2')}`,
  );
  // golang.org/issue/27173: any ancestor tag may be the base of a pseudo-version.
  const p = (base: string): string =>
    `${base}-0.${stamp('before v0.1.2')}-${short('before v0.1.2')}`;
  assert.equal(await stat(repo, short('before v0.1.2')), p('v0.1.2'));
  for (const v of [p('v0.1.2'), p('v0.1.1'), p('v0.0.4')]) assert.equal(await stat(repo, v), v);
  // The first commit has only a non-version tag.
  const start = `v0.0.0-${stamp('start')}-${short('start')}`;
  assert.equal(await stat(repo, 'start'), start);
  assert.equal(await stat(repo, short('start')), start);
  assert.equal(await stat(repo, start), start);
});

test('queryTests: a v1 commit is not the /v3 module', async () => {
  const c = 'at v1.9.10-pre1';
  await statError(
    repoV3,
    short(c),
    `${QUERY_REPO}/v3@v3.0.0-${stamp(c)}-${short(c)}: invalid version: go.mod has non-.../v3 module path "${QUERY_REPO}" (and .../v3/go.mod does not exist) at revision ${short(c)}`,
  );
});

test('queryTests: the version lists the client filters', async () => {
  assert.deepEqual(await repo.versions(), [
    'v0.0.0-pre1',
    'v0.0.0',
    'v0.0.1',
    'v0.0.2',
    'v0.0.3',
    'v0.1.0',
    'v0.1.1',
    'v0.1.2',
    'v0.3.0',
    'v1.0.0',
    'v1.1.0',
    'v1.9.0',
    'v1.9.9',
    'v1.9.10-pre1',
  ]);
  assert.deepEqual(await repoV2.versions(), [
    'v2.0.0',
    'v2.1.0',
    'v2.2.0',
    'v2.5.5',
    'v2.6.0-pre1',
  ]);
  assert.deepEqual(await repoV3.versions(), []);
});

test('pseudo-version validation errors', async () => {
  const c = 'before v0.1.2';
  const t = stamp(c);
  const s = short(c);
  const err = (v: string, reason: string): Promise<void> =>
    statError(repo, v, `${QUERY_REPO}@${v}: invalid pseudo-version: ${reason}`);
  const full = at[c]!;
  await err(
    `v0.1.2-0.${t}-${full.slice(0, 13)}`,
    `revision is longer than canonical (expected ${s})`,
  );
  await err(
    `v0.1.2-0.${t}-${full.slice(0, 11)}`,
    `revision is shorter than canonical (expected ${s})`,
  );
  // Another commit's rev names that commit, whose time then does not match.
  await err(
    `v0.1.2-0.${t}-${short('start')}`,
    `does not match version-control timestamp (expected ${stamp('start')})`,
  );
  await err(
    `v0.1.2-0.20180704023000-${s}`,
    `does not match version-control timestamp (expected ${t})`,
  );
  await err(`v1.0.0-${t}-${s}`, 'major version without preceding tag must be v0, not v1');
  await err(`v0.3.1-0.${t}-${s}`, `revision ${s} is not a descendent of preceding tag (v0.3.0)`);
  await err(`v0.9.1-0.${t}-${s}`, 'preceding tag (v0.9.0) not found');
});
