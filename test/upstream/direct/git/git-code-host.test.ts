import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../../../src/errors/index.js';
import type { GitCodeHost } from '../../../../src/upstream/direct/git/index.js';
import { collect, GitFixture, readZip } from './git-fixture.js';

// One repository, built once:
//
//   c1 ── c2 ── c3        main (HEAD)
//   v0.1.0  v1.0.0 (annotated)  sub/v0.2.0
//            └── c4       feature, v2.0.0 (annotated, not on main)
let fx: GitFixture;
let host: GitCodeHost;
const c: Record<string, string> = {};
const ctx = {};

const CRLF = Buffer.from('line one\r\nline two\r\n');
const DATES = {
  c1: '2020-01-01T00:00:00Z',
  c2: '2020-02-01T10:20:30Z',
  c3: '2020-03-01T00:00:00Z',
  c4: '2020-04-01T00:00:00Z',
};

before(async () => {
  fx = await GitFixture.create();
  const repo = await fx.newRepo('repo');
  c.c1 = await fx.commit(
    repo,
    { 'go.mod': 'module example.com/repo\n', README: 'hello\n' },
    'c1',
    DATES.c1,
  );
  await fx.git(repo, ['tag', 'v0.1.0']);
  c.c2 = await fx.commit(
    repo,
    {
      'crlf.txt': CRLF,
      '.gitattributes': 'ignored.txt export-ignore\nsubst.txt export-subst\n',
      'ignored.txt': 'ignored but present\n',
      'subst.txt': 'commit $Format:%H$\n',
      'sub/inner.go': 'package sub\n',
      'sub/go.mod': 'module example.com/repo/sub\n',
      link: { symlink: 'README' },
    },
    'c2',
    DATES.c2,
  );
  await fx.annotatedTag(repo, 'v1.0.0', 'HEAD', '2021-01-01T00:00:00Z');
  await fx.git(repo, ['branch', 'feature']);
  c.c3 = await fx.commit(repo, { README: 'hello again\n' }, 'c3', DATES.c3);
  await fx.git(repo, ['tag', 'sub/v0.2.0']);
  await fx.git(repo, ['checkout', '-q', 'feature']);
  c.c4 = await fx.commit(repo, { 'feature.txt': 'f\n' }, 'c4', DATES.c4);
  await fx.annotatedTag(repo, 'v2.0.0', 'HEAD', '2021-01-01T00:00:00Z');
  await fx.git(repo, ['checkout', '-q', 'main']);
  host = fx.cache().codeHost(await fx.url('repo'));
});

after(async () => {
  await fx.close();
});

test('tags: peeled to commits, filtered by prefix, sorted', async () => {
  const tags = await host.tags('', ctx);
  assert.deepEqual(tags, [
    { name: 'sub/v0.2.0', hash: c.c3 },
    { name: 'v0.1.0', hash: c.c1 },
    { name: 'v1.0.0', hash: c.c2 },
    { name: 'v2.0.0', hash: c.c4 },
  ]);
  assert.deepEqual(await host.tags('sub/', ctx), [{ name: 'sub/v0.2.0', hash: c.c3 }]);
  assert.deepEqual(await host.tags('nothing/', ctx), []);
});

test('stat by branch: the branch head, version is the hash, committer time in UTC', async () => {
  const info = await host.stat('main', ctx);
  assert.equal(info.name, c.c3);
  assert.equal(info.short, c.c3?.slice(0, 12));
  assert.equal(info.version, c.c3);
  assert.equal(info.time.toISOString(), '2020-03-01T00:00:00.000Z');
  assert.deepEqual(info.tags, ['sub/v0.2.0']);
  assert.equal(info.ref, 'refs/heads/main');
});

test('stat by tag: annotated tag names its commit, version is the tag', async () => {
  const info = await host.stat('v1.0.0', ctx);
  assert.equal(info.name, c.c2);
  assert.equal(info.version, 'v1.0.0');
  assert.equal(info.time.toISOString(), '2020-02-01T10:20:30.000Z');
  assert.ok(info.tags.includes('v1.0.0'));
  assert.equal(info.ref, 'refs/tags/v1.0.0');
  const feature = await host.stat('v2.0.0', ctx);
  assert.equal(feature.name, c.c4);
  assert.equal(feature.version, 'v2.0.0');
});

test('stat by full hash, short hash and HEAD', async () => {
  const full = await host.stat(c.c1 ?? '', ctx);
  assert.equal(full.name, c.c1);
  assert.equal(full.version, c.c1);
  assert.deepEqual(full.tags, ['v0.1.0']);
  const short = await host.stat((c.c2 ?? '').slice(0, 7), ctx);
  assert.equal(short.name, c.c2);
  assert.equal(short.version, c.c2, 'an abbreviated hash is extended to the full hash');
  const head = await host.stat('HEAD', ctx);
  assert.equal(head.name, c.c3);
  assert.equal(head.version, c.c3);
});

test('stat of an unknown or malformed revision is not-found', async () => {
  for (const rev of ['no-such-branch', 'v9.9.9', 'abcdef0123', '-q', 'main..feature', 'v1^', '']) {
    await assert.rejects(host.stat(rev, ctx), (err: unknown) => {
      assert.ok(err instanceof ModgateError, String(err));
      assert.equal(err.kind, 'not-found', `${rev}: ${err.message}`);
      assert.match(err.message, /unknown revision/);
      return true;
    });
  }
});

test('latest: the default branch head, ref HEAD', async () => {
  const info = await host.latest(ctx);
  assert.equal(info.name, c.c3);
  assert.equal(info.ref, 'HEAD');
});

test('readFile: present, absent, a directory, over the limit', async () => {
  const mod = await host.readFile(c.c2 ?? '', 'go.mod', 1 << 20, ctx);
  assert.deepEqual(mod, Buffer.from('module example.com/repo\n'));
  const crlf = await host.readFile(c.c2 ?? '', 'crlf.txt', 1 << 20, ctx);
  assert.deepEqual(crlf, CRLF, 'byte-exact');
  assert.equal(await host.readFile(c.c1 ?? '', 'crlf.txt', 1 << 20, ctx), null);
  assert.equal(await host.readFile(c.c2 ?? '', 'sub', 1 << 20, ctx), null);
  assert.deepEqual(await host.readFile(c.c2 ?? '', 'go.mod', 24, ctx), mod, 'exactly the limit');
  await assert.rejects(host.readFile(c.c2 ?? '', 'go.mod', 23, ctx), { kind: 'too-large' });
});

test('recentTag: the highest reachable tag with the prefix that is allowed', async () => {
  const all = (): boolean => true;
  assert.equal(await host.recentTag(c.c3 ?? '', '', all, ctx), 'v1.0.0', 'v2.0.0 is off-branch');
  assert.equal(await host.recentTag(c.c4 ?? '', '', all, ctx), 'v2.0.0');
  assert.equal(await host.recentTag(c.c3 ?? '', '', (t) => t !== 'v1.0.0', ctx), 'v0.1.0');
  assert.equal(await host.recentTag(c.c3 ?? '', 'sub/', all, ctx), 'sub/v0.2.0');
  assert.equal(await host.recentTag(c.c2 ?? '', 'sub/', all, ctx), null);
  assert.equal(await host.recentTag(c.c2 ?? '', 'other/', all, ctx), null);
});

test('descendsFrom', async () => {
  assert.equal(await host.descendsFrom(c.c3 ?? '', 'v1.0.0', ctx), true);
  assert.equal(
    await host.descendsFrom(c.c2 ?? '', 'v1.0.0', ctx),
    true,
    'a commit descends from itself',
  );
  assert.equal(await host.descendsFrom(c.c1 ?? '', 'v1.0.0', ctx), false);
  assert.equal(await host.descendsFrom(c.c3 ?? '', 'v2.0.0', ctx), false);
  assert.equal(await host.descendsFrom(c.c3 ?? '', 'v7.0.0', ctx), false);
});

test('archive: byte-exact blobs, export-ignore and export-subst disabled, symlinks kept', async () => {
  const zip = await collect(await host.archive(c.c2 ?? '', '', 1 << 20, ctx));
  const entries = await readZip(zip);
  const files = new Map(entries.filter((e) => !e.name.endsWith('/')).map((e) => [e.name, e]));
  assert.deepEqual([...files.keys()].sort(), [
    '.gitattributes',
    'README',
    'crlf.txt',
    'go.mod',
    'ignored.txt',
    'link',
    'sub/go.mod',
    'sub/inner.go',
    'subst.txt',
  ]);
  assert.deepEqual(files.get('crlf.txt')?.data, CRLF, 'CRLF preserved');
  assert.equal(files.get('subst.txt')?.data.toString(), 'commit $Format:%H$\n', 'not expanded');
  assert.equal(files.get('ignored.txt')?.data.toString(), 'ignored but present\n');
  const link = files.get('link');
  assert.equal((link?.mode ?? 0) & 0o170000, 0o120000, 'a symlink entry');
  assert.equal(link?.data.toString(), 'README');
});

test('archive of a subdirectory: entries keep the subdir/ prefix', async () => {
  const entries = await readZip(await collect(await host.archive(c.c2 ?? '', 'sub', 1 << 20, ctx)));
  const files = entries.filter((e) => !e.name.endsWith('/')).map((e) => e.name);
  assert.deepEqual(files.sort(), ['sub/go.mod', 'sub/inner.go']);
});

test('archive: missing subdirectory is not-found; over the limit is too-large', async () => {
  await assert.rejects(host.archive(c.c2 ?? '', 'nodir', 1 << 20, ctx), { kind: 'not-found' });
  await assert.rejects(
    host.archive(c.c2 ?? '', '', 100, ctx).then(collect),
    (err: unknown) => err instanceof ModgateError && err.kind === 'too-large',
  );
});
