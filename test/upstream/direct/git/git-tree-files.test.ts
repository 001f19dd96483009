import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DirectUpstream } from '../../../../src/upstream/direct/direct-upstream.js';
import type { GitCommandEvent } from '../../../../src/upstream/direct/git/index.js';
import { GitFixture, collect, readZip } from './git-fixture.js';

// Module zips from the object stream: the tree listed by one git ls-tree, blobs read through
// the repository's git cat-file --batch, no git archive and nothing spooled to disk — and the
// same zip as the archive would give (the conformance suites compare h1 sums with the go
// command; here the files and the processes).
let fx: GitFixture;
let scratch: string;
const ctx = {};

before(async () => {
  fx = await GitFixture.create();
  scratch = await mkdtemp(join(tmpdir(), 'modgate-tree-'));
  const dir = await fx.newRepo('tree');
  await fx.commit(
    dir,
    {
      'go.mod': 'module example.com/tree.git\n',
      'a.go': 'package a\n',
      'link.go': { symlink: 'a.go' },
      'sub/go.mod': 'module example.com/tree.git/sub\n',
      'sub/s.go': 'package sub\n',
      'sub/deep/d.go': 'package deep\n',
      LICENSE: 'root license\n',
    },
    'one',
    '2020-01-01T00:00:00Z',
  );
  // A submodule entry (gitlink) in sub/: archived as a directory, never in a module zip.
  const head = await fx.git(dir, ['rev-parse', 'HEAD']);
  await fx.git(dir, ['update-index', '--add', '--cacheinfo', `160000,${head},sub/vendored`]);
  await fx.git(dir, ['commit', '-q', '-m', 'gitlink'], {
    GIT_COMMITTER_DATE: '2020-01-02T00:00:00Z',
  });
  await fx.git(dir, ['tag', 'v1.0.0']);
  await fx.git(dir, ['tag', 'sub/v1.0.0']);
});

after(async () => {
  await fx.close();
  await rm(scratch, { recursive: true, force: true });
});

test('treeFiles: files, symlinks and submodules under a directory; a missing one is not-found', async () => {
  const host = fx.cache().codeHost(await fx.url('tree'));
  const info = await host.stat('v1.0.0', ctx);
  const files = (await host.treeFiles(info.name, 'sub', ctx)) ?? [];
  const listed = files.map((f) => [f.rawName.toString(), f.mode, f.size]);
  assert.deepEqual(listed, [
    ['sub/deep/d.go', 'file', 13],
    ['sub/go.mod', 'file', 32],
    ['sub/s.go', 'file', 12],
    ['sub/vendored', 'dir', 0],
  ]);
  assert.equal((await files[0]?.open())?.toString(), 'package deep\n');
  const all = (await host.treeFiles(info.name, '', ctx)) ?? [];
  assert.deepEqual(
    all.filter((f) => f.mode === 'symlink').map((f) => f.rawName.toString()),
    ['link.go'],
  );
  await assert.rejects(host.treeFiles(info.name, 'nope', ctx), { kind: 'not-found' });
});

test('a module zip is built without git archive and without a file on disk', async () => {
  const events: GitCommandEvent[] = [];
  const cache = fx.cache({ observer: (e) => events.push(e) });
  const url = await fx.url('tree');
  const spool = join(scratch, 'spool');
  await mkdir(spool);
  const upstream = new DirectUpstream(
    () =>
      Promise.resolve({
        root: 'example.com/tree.git',
        codeHost: cache.codeHost(url),
        vcs: 'git',
        url,
      }),
    { tmpDir: spool },
  );
  const zip = await upstream.zip('example.com/tree.git/sub', 'v1.0.0', {});
  assert.deepEqual(await readdir(spool), [], 'nothing spooled');
  const entries = await readZip(await collect(zip.stream));
  assert.deepEqual(entries.map((e) => e.name).sort(), [
    'example.com/tree.git/sub@v1.0.0/LICENSE',
    'example.com/tree.git/sub@v1.0.0/deep/d.go',
    'example.com/tree.git/sub@v1.0.0/go.mod',
    'example.com/tree.git/sub@v1.0.0/s.go',
  ]);
  const root = await upstream.zip('example.com/tree.git', 'v1.0.0', {});
  const rootNames = (await readZip(await collect(root.stream))).map((e) => e.name).sort();
  assert.deepEqual(rootNames, [
    'example.com/tree.git@v1.0.0/LICENSE',
    'example.com/tree.git@v1.0.0/a.go',
    'example.com/tree.git@v1.0.0/go.mod',
  ]);
  assert.deepEqual(
    events.filter((e) => e.args.includes('archive')),
    [],
    'no git archive',
  );
  cache.close();
});
