import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { GitCodeHost } from '../../../../src/upstream/direct/git/index.js';
import { GoSandbox } from '../../../support/go-sandbox.js';
import { listFiles } from '../../../support/list-files.js';
import { collect, GitFixture, readZip } from './git-fixture.js';

// The go command as the oracle: it fetches the same repository with GOPROXY=direct (its own
// git driving, through an insteadOf from the nominal https URL to our git daemon); what it
// reports and extracts must agree with what the git CodeHost says and archives.
const MODULE = 'example.invalid/repo.git';
let fx: GitFixture;
let go: GoSandbox;
let host: GitCodeHost;
const ctx = {};

before(async () => {
  fx = await GitFixture.create();
  go = await GoSandbox.create();
  const repo = await fx.newRepo('repo.git');
  await fx.commit(
    repo,
    {
      'go.mod': `module ${MODULE}\n\ngo 1.16\n`,
      'a.go': 'package repo\r\n\r\n// CRLF kept\r\n',
      '.gitattributes': 'ignored.go export-ignore\nsubst.txt export-subst\n',
      'ignored.go': 'package repo\n',
      'subst.txt': '$Format:%H %cd$\n',
      'pkg/b.go': 'package pkg\n',
      link: { symlink: 'a.go' },
    },
    'one',
    '2021-05-06T07:08:09Z',
    '2019-01-01T00:00:00Z',
  );
  await fx.annotatedTag(repo, 'v1.0.0', 'HEAD', '2022-01-01T00:00:00Z');
  await fx.commit(repo, { 'c.go': 'package repo\n' }, 'two', '2021-06-07T08:09:10Z');
  const base = await fx.url('');
  await writeFile(
    join(go.root, 'home', '.gitconfig'),
    `[url "${base}"]\n\tinsteadOf = https://example.invalid/\n`,
  );
  host = fx
    .cache({ env: { ...fx.env, HOME: join(go.root, 'home') } })
    .codeHost(`https://${MODULE}`);
});

after(async () => {
  await go.cleanup();
  await fx.close();
});

async function goJson(args: string[]): Promise<Record<string, unknown>> {
  const r = await go.run(args, {
    proxy: 'direct',
    env: { GOPRIVATE: 'example.invalid', GIT_CONFIG_NOSYSTEM: '1' },
  });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test('tagged version: same time, same files and bytes as the go command extracts', async () => {
  const dl = await goJson(['mod', 'download', '-json', `${MODULE}@v1.0.0`]);
  const info = await host.stat('v1.0.0', ctx);
  assert.equal(info.version, 'v1.0.0');
  const goInfo = JSON.parse(await readFile(String(dl.Info), 'utf8')) as { Time: string };
  assert.equal(info.time.toISOString().replace('.000Z', 'Z'), goInfo.Time);

  const dir = String(dl.Dir);
  const entries = await readZip(await collect(await host.archive(info.name, '', 1 << 20, ctx)));
  // The module zip drops directories and symlinks (x/mod zip rules); everything else is the
  // archive's bytes exactly.
  const regular = entries.filter((e) => !e.name.endsWith('/') && (e.mode & 0o170000) !== 0o120000);
  assert.deepEqual(regular.map((e) => e.name).sort(), await listFiles(dir));
  for (const e of regular) {
    assert.deepEqual(e.data, await readFile(join(dir, e.name)), e.name);
  }
});

test('branch: the pseudo-version the go command makes uses our time and short hash', async () => {
  const listed = await goJson(['list', '-m', '-json', `${MODULE}@main`]);
  const info = await host.stat('main', ctx);
  const m = /^v1\.0\.1-0\.(\d{14})-([0-9a-f]{12})$/.exec(String(listed.Version));
  assert.ok(m, String(listed.Version));
  const stamp = info.time.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  assert.equal(m[1], stamp);
  assert.equal(m[2], info.short);
  assert.equal(await host.recentTag(info.name, '', () => true, ctx), 'v1.0.0');
});
