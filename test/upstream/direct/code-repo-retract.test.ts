/**
 * Retractions and `+incompatible` versions in the code repo: which go.mod retractions are
 * read from, how they steer the version of a commit and the base of pseudo-versions, which
 * v2+ tags a module without a suffix lists, and how code host failures surface.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import type { CodeHostContext, TagInfo } from '../../../src/upstream/direct/code-host.js';
import { CodeRepo } from '../../../src/upstream/direct/code-repo.js';
import { FakeCodeHost } from './fake-code-host.js';

const short = (h: string): string => h.slice(0, 12);
const M = 'example.com/m';

/**
 *   c1 v1.0.0 ─ c2 v1.1.0 ─ c3 v1.2.0 (retract v1.1.0) ─ c4 v1.3.0 (retracts v1.1.0, itself)
 *                 └─ s1 (side)
 */
function retractingRepo(): { h: FakeCodeHost; c: Record<string, string> } {
  const h = new FakeCodeHost('retract');
  const c: Record<string, string> = {};
  c.c1 = h.commit({ time: '2023-01-01T00:00:00Z', files: { 'go.mod': `module ${M}\n` } });
  h.tag('v1.0.0');
  c.c2 = h.commit({ time: '2023-01-02T00:00:00Z', files: { 'a.go': 'package m\n' } });
  h.tag('v1.1.0');
  c.c3 = h.commit({
    time: '2023-01-03T00:00:00Z',
    files: { 'go.mod': `module ${M}\n\nretract v1.1.0 // broken\n` },
  });
  h.tag('v1.2.0');
  c.c4 = h.commit({
    time: '2023-01-04T00:00:00Z',
    files: { 'go.mod': `module ${M}\n\nretract (\n\tv1.1.0 // broken\n\tv1.3.0 // oops\n)\n` },
  });
  h.tag('v1.3.0');
  h.branch('side', c.c2);
  c.s1 = h.commit({ time: '2023-01-05T00:00:00Z', files: { 'b.go': 'package m\n' } });
  h.checkout('main');
  return { h, c };
}

test('retractions come from the go.mod of the highest release', async () => {
  const { h } = retractingRepo();
  const isRetracted = await new CodeRepo(M, M, h).retractions();
  assert.deepEqual(['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0'].map(isRetracted), [
    false,
    true,
    false,
    true,
  ]);
});

test('a retracted tag is skipped as a pseudo-version base and as the version of a commit', async () => {
  const { h, c } = retractingRepo();
  const repo = new CodeRepo(M, M, h);
  // s1 descends from v1.1.0 (retracted): the base is v1.0.0.
  assert.equal((await repo.stat('side')).version, `v1.0.1-0.20230105000000-${short(c.s1!)}`);
  // HEAD is tagged v1.3.0, which retracts itself: by hash or as latest it is a
  // pseudo-version on the highest unretracted ancestor; by its tag it is v1.3.0.
  const pseudo = `v1.2.1-0.20230104000000-${short(c.c4!)}`;
  assert.equal((await repo.latest()).version, pseudo);
  assert.equal((await repo.stat(short(c.c4!))).version, pseudo);
  assert.equal((await repo.stat('v1.3.0')).version, 'v1.3.0');
  // Retracted versions stay listed and downloadable.
  assert.deepEqual(await repo.versions(), ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0']);
  assert.equal((await repo.goMod('v1.1.0')).toString(), `module ${M}\n`);
});

test('an unreadable go.mod at the highest release retracts nothing', async () => {
  const h = new FakeCodeHost('bad-retract');
  h.commit({ time: '2023-01-01T00:00:00Z', files: { 'go.mod': `module ${M}\n` } });
  h.tag('v1.0.0');
  const c2 = h.commit({ time: '2023-01-02T00:00:00Z', files: { 'a.go': 'package m\n' } });
  h.tag('v1.1.0');
  h.commit({
    time: '2023-01-03T00:00:00Z',
    files: { 'go.mod': `module ${M}\n\nretract v1.1.0\nrequire "unterminated\n` },
  });
  h.tag('v1.2.0');
  h.branch('side', c2);
  const s1 = h.commit({ time: '2023-01-05T00:00:00Z', files: { 'b.go': 'package m\n' } });
  const repo = new CodeRepo(M, M, h);
  await assert.rejects(repo.retractions(), (err: unknown) => err instanceof ModgateError);
  assert.equal((await repo.stat('side')).version, `v1.1.1-0.20230105000000-${short(s1)}`);
});

test('+incompatible: per major, only when the highest tag of that major has no go.mod', async () => {
  const h = new FakeCodeHost('incompat');
  const c1 = h.commit({ time: '2023-01-01T00:00:00Z', files: { 'a.go': 'package m\n' } });
  h.tag('v1.0.0');
  h.commit({ time: '2023-01-02T00:00:00Z', files: { 'a.go': 'package m // 2\n' } });
  h.tag('v2.0.0');
  h.branch('v2-gomod', c1);
  h.commit({ time: '2023-01-03T00:00:00Z', files: { 'go.mod': `module ${M}/v2\n` } });
  h.tag('v2.1.0');
  h.checkout('main');
  h.commit({ time: '2023-01-04T00:00:00Z', files: { 'a.go': 'package m // 3\n' } });
  h.tag('v3.0.0');
  h.tag('v3.0.1-pre');
  h.tag('v10.0.0');
  const repo = new CodeRepo(M, M, h);
  assert.deepEqual(await repo.versions(), [
    'v1.0.0',
    'v3.0.0+incompatible',
    'v3.0.1-pre+incompatible',
    'v10.0.0+incompatible',
  ]);
  // v2.0.0 itself has no go.mod: asking for it still works, as +incompatible.
  assert.equal((await repo.stat('v2.0.0')).version, 'v2.0.0+incompatible');
  // The /v2 module sees only what suits /v2 and has a go.mod claiming it.
  const v2 = new CodeRepo(`${M}/v2`, M, h);
  assert.deepEqual(await v2.versions(), ['v2.0.0', 'v2.1.0']);
  assert.equal((await v2.stat('v2.1.0')).version, 'v2.1.0');
  await assert.rejects(v2.stat('v2.0.0'), /missing example.com\/m\/go.mod and ...\/v2\/go.mod/);

  // Once the highest compatible version has a go.mod, no +incompatible version is listed.
  h.commit({ time: '2023-01-05T00:00:00Z', files: { 'go.mod': `module ${M}\n` } });
  h.tag('v1.1.0');
  assert.deepEqual(await repo.versions(), ['v1.0.0', 'v1.1.0']);
  // A module in a subdirectory never gets +incompatible versions.
  h.tag('sub/v2.0.0');
  h.tag('sub/v1.0.0');
  h.commit({ time: '2023-01-06T00:00:00Z', files: { 'sub/go.mod': `module ${M}/sub\n` } });
  assert.deepEqual(await new CodeRepo(`${M}/sub`, M, h).versions(), ['v1.0.0']);
});

/** A fake whose chosen methods fail with a given error kind. */
class FailingHost extends FakeCodeHost {
  fail: Partial<Record<'tags' | 'readFile' | 'recentTag' | 'stat', ModgateError>> = {};

  override tags(prefix: string, ctx: CodeHostContext): Promise<TagInfo[]> {
    return this.fail.tags ? Promise.reject(this.fail.tags) : super.tags(prefix, ctx);
  }
  override readFile(hash: string, file: string, max: number, ctx: CodeHostContext) {
    return this.fail.readFile
      ? Promise.reject(this.fail.readFile)
      : super.readFile(hash, file, max, ctx);
  }
  override recentTag(
    hash: string,
    prefix: string,
    ok: (t: string) => boolean,
    ctx: CodeHostContext,
  ) {
    return this.fail.recentTag
      ? Promise.reject(this.fail.recentTag)
      : super.recentTag(hash, prefix, ok, ctx);
  }
}

test('code host failures keep their kind; they never turn into a different version', async () => {
  const h = new FailingHost('failing');
  h.commit({ time: '2023-01-01T00:00:00Z', files: { 'go.mod': `module ${M}\n` } });
  h.tag('v1.0.0');
  const c2 = h.commit({ time: '2023-01-02T00:00:00Z', files: { 'a.go': 'package m\n' } });
  const repo = new CodeRepo(M, M, h);
  const pseudo = `v1.0.1-0.20230102000000-${short(c2)}`;
  assert.equal((await repo.stat('main')).version, pseudo);

  h.fail.recentTag = new ModgateError('timeout', 'git: timed out');
  await assert.rejects(repo.stat('main'), (e: unknown) => (e as ModgateError).kind === 'timeout');
  h.fail = { tags: new ModgateError('upstream', 'git: connection reset') };
  // Reading the retractions fails for want of tags: the answer is an error, not a guess.
  await assert.rejects(repo.stat('main'), (e: unknown) => (e as ModgateError).kind === 'upstream');
  await assert.rejects(repo.versions(), (e: unknown) => {
    const err = e as ModgateError;
    return err.kind === 'upstream' && err.message === `module ${M}: git: connection reset`;
  });
  h.fail = { readFile: new ModgateError('forbidden', 'git: authentication failed for host') };
  // (A new CodeRepo: go.mod reads at a commit are cached, so `repo` would not ask again.)
  await assert.rejects(new CodeRepo(M, M, h).stat('v1.0.0'), (e: unknown) => {
    const err = e as ModgateError;
    return (
      err.kind === 'forbidden' &&
      /reading example.com\/m\/go.mod at revision v1.0.0/.test(err.message)
    );
  });
  h.fail = {};
  assert.equal((await repo.stat('main')).version, pseudo);
});
