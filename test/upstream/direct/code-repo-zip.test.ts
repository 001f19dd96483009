/**
 * Module zips built from the code host's archive: which files go in (x/mod/zip rules on top
 * of git-archive output), the root LICENSE rule, checks before the stream is handed out, and
 * the spooled archive's clean-up.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import type { CodeHostContext } from '../../../src/upstream/direct/code-host.js';
import { CodeRepo } from '../../../src/upstream/direct/code-repo.js';
import { FakeCodeHost } from './fake-code-host.js';
import { readModuleZip } from './read-module-zip.js';

const M = 'example.com/z';
let tmp: string;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'modgate-code-repo-zip-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The directory's entries once it is empty, or after 2 s (the spool goes away asynchronously). */
async function emptySoon(dir: string): Promise<string[]> {
  for (let i = 0; i < 100 && (await readdir(dir)).length > 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return readdir(dir);
}

function repoWith(files: Record<string, Parameters<FakeCodeHost['commit']>[0]['files']>): {
  h: FakeCodeHost;
  repo: CodeRepo;
} {
  const h = new FakeCodeHost('zip');
  for (const [tag, f] of Object.entries(files)) {
    h.commit({ time: '2024-01-01T00:00:00Z', files: f });
    h.tag(tag);
  }
  return { h, repo: new CodeRepo(M, M, h, { tmpDir: tmp }) };
}

test('the zip keeps regular files only, under path@version/, without directory entries', async () => {
  const { repo } = repoWith({
    'v1.0.0': {
      'go.mod': `module ${M}\n\ngo 1.21\n`,
      LICENSE: 'root license\n',
      'a.go': 'package z\n',
      'link.go': { symlink: 'a.go' },
      'tool.sh': { data: '#!/bin/sh\n', executable: true },
      'vendor/modules.txt': '# deps\n',
      'vendor/example.org/d/d.go': 'package d\n',
      'internal/vendor/v.go': 'package vendor\n',
      'nested/go.mod': `module ${M}/nested\n`,
      'nested/n.go': 'package nested\n',
      'nested2/GO.MOD': 'module whatever\n',
      'nested2/x.go': 'package x\n',
      '.hg_archival.txt': 'repo: x\n',
      'deep/dir/file.txt': 'text\r\nwith CRLF kept\r\n',
    },
  });
  const z = await readModuleZip(await repo.zip('v1.0.0'), `${M}@v1.0.0/`);
  assert.deepEqual(z.names, [
    'LICENSE',
    'a.go',
    'deep/dir/file.txt',
    'go.mod',
    'tool.sh',
    // go < 1.24: the historical vendor rule keeps vendor/modules.txt and drops every
    // path containing /vendor/.
    'vendor/modules.txt',
  ]);
  assert.equal(z.files.get('deep/dir/file.txt')!.toString(), 'text\r\nwith CRLF kept\r\n');
});

test('go 1.24 and later: the new vendor rule (x/mod/zip with Go 1.24)', async () => {
  const { repo } = repoWith({
    'v1.0.0': {
      'go.mod': `module ${M}\n\ngo 1.24\n`,
      'vendor/modules.txt': '# deps\n',
      'vendor/example.org/d/d.go': 'package d\n',
      'internal/vendor/v.go': 'package vendor\n',
      'internal/vendor/sub/s.go': 'package sub\n',
    },
  });
  const z = await readModuleZip(await repo.zip('v1.0.0'), `${M}@v1.0.0/`);
  assert.deepEqual(z.names, ['go.mod', 'internal/vendor/v.go']);
});

test('a subdirectory module gets the root LICENSE unless it has its own', async () => {
  const h = new FakeCodeHost('zip-sub');
  h.commit({
    time: '2024-01-01T00:00:00Z',
    files: {
      LICENSE: 'root license\n',
      'a/go.mod': `module ${M}/a\n`,
      'a/a.go': 'package a\n',
      'b/go.mod': `module ${M}/b\n`,
      'b/LICENSE': 'b license\n',
      'b/v2/go.mod': `module ${M}/b/v2\n`,
      'b/v2/b.go': 'package b\n',
    },
  });
  h.tag('a/v1.0.0');
  h.tag('b/v1.0.0');
  h.tag('b/v2.0.0');
  const a = await readModuleZip(
    await new CodeRepo(`${M}/a`, M, h, { tmpDir: tmp }).zip('v1.0.0'),
    `${M}/a@v1.0.0/`,
  );
  assert.deepEqual(a.names, ['a.go', 'go.mod', 'LICENSE']);
  assert.equal(a.files.get('LICENSE')!.toString(), 'root license\n');
  const b = await readModuleZip(
    await new CodeRepo(`${M}/b`, M, h, { tmpDir: tmp }).zip('v1.0.0'),
    `${M}/b@v1.0.0/`,
  );
  // b/v2 is a nested module of b; b's own LICENSE wins.
  assert.deepEqual(b.names, ['LICENSE', 'go.mod']);
  assert.equal(b.files.get('LICENSE')!.toString(), 'b license\n');
  // The major subdirectory b/v2 has no LICENSE: the repository root's, not b's.
  const b2 = await readModuleZip(
    await new CodeRepo(`${M}/b/v2`, M, h, { tmpDir: tmp }).zip('v2.0.0'),
    `${M}/b/v2@v2.0.0/`,
  );
  assert.deepEqual(b2.names, ['b.go', 'go.mod', 'LICENSE']);
  assert.equal(b2.files.get('LICENSE')!.toString(), 'root license\n');
});

/** The kind and message `p` rejects with (ModgateError), or `ok`. */
async function outcome(p: Promise<unknown>): Promise<{ kind: string; message: string }> {
  return p.then(
    () => ({ kind: 'ok', message: '' }),
    (e: unknown) => {
      assert.ok(e instanceof ModgateError, String(e));
      return { kind: e.kind, message: e.message };
    },
  );
}

test("files the zip rules refuse: a permanent `gone` with Go's text, before any stream is handed out", async () => {
  // What the commit's tree decides can never change: 410 Gone, the message as GOPROXY=direct
  // prints it (x/mod/zip Create through cmd/go codeRepo.Zip). Without the rule these were
  // `checksum` / `too-large` errors, answered 502.
  const cases: Array<[string, Record<string, string | Buffer>, string]> = [
    [
      'case-insensitive collision',
      { 'go.mod': `module ${M}\n`, 'a.go': 'package z\n', 'A.go': 'package z\n' },
      'create zip: a.go: case-insensitive file name collision: "A.go" and "a.go"',
    ],
    [
      'reserved file name',
      { 'go.mod': `module ${M}\n`, 'aux.go': 'package z\n' },
      'create zip: aux.go: malformed file path "aux.go": "aux" disallowed as path element component on Windows',
    ],
    [
      'go.mod spelled otherwise',
      { 'GO.MOD': `module ${M}\n`, 'a.go': 'package z\n' },
      'create zip: GO.MOD: go.mod files must have lowercase names',
    ],
  ];
  for (const [what, files, message] of cases) {
    const { repo } = repoWith({ 'v1.0.0': files });
    assert.deepEqual(await outcome(repo.zip('v1.0.0')), { kind: 'gone', message }, what);
  }
  assert.deepEqual(await readdir(tmp), []);
});

test("a subdirectory module whose root LICENSE is over 16 MiB: permanent, in Go's words", async () => {
  const h = new FakeCodeHost('zip-big-license');
  h.commit({
    time: '2024-01-01T00:00:00Z',
    files: { LICENSE: Buffer.alloc(16 * 1024 * 1024 + 1, 0x61), 'a/go.mod': `module ${M}/a\n` },
  });
  h.tag('a/v1.0.0');
  const repo = new CodeRepo(`${M}/a`, M, h, { tmpDir: tmp });
  assert.deepEqual(await outcome(repo.zip('v1.0.0')), {
    kind: 'gone',
    message: 'create zip: LICENSE: LICENSE file too large (max size is 16777216 bytes)',
  });
  assert.deepEqual(await readdir(tmp), []);
});

/** A FakeCodeHost whose archives fail as `fail` says (the zip tests' failure injection). */
class FailingArchiveHost extends FakeCodeHost {
  constructor(private readonly fail: (archive: Readable) => Promise<Readable>) {
    super('zip-failing');
  }

  override async archive(
    hash: string,
    subdir: string,
    maxBytes: number,
    ctx: CodeHostContext,
  ): Promise<Readable> {
    return this.fail(await super.archive(hash, subdir, maxBytes, ctx));
  }
}

/** The archive's first chunk, then `err` (git dying half-way through its output). */
function failAfterFirstChunk(err: Error): (archive: Readable) => Promise<Readable> {
  return (archive) => {
    const out = new PassThrough();
    archive.once('data', (chunk: Buffer) => {
      archive.destroy();
      out.write(chunk);
      setImmediate(() => out.destroy(err));
    });
    return Promise.resolve(out);
  };
}

test('an archive over 500 MiB is permanent; git failing or timing out mid-archive is not', async () => {
  const files = { 'go.mod': `module ${M}\n`, 'a.go': 'package z\n' };
  const repoOf = (fail: (archive: Readable) => Promise<Readable>): CodeRepo => {
    const h = new FailingArchiveHost(fail);
    h.commit({ time: '2024-01-01T00:00:00Z', files });
    h.tag('v1.0.0');
    return new CodeRepo(M, M, h, { tmpDir: tmp });
  };
  // The code host's own bound (git killed past MAX_ZIP_FILE), before or after output began.
  assert.deepEqual(
    await outcome(
      repoOf(() => Promise.reject(new ModgateError('too-large', 'archive too large'))).zip(
        'v1.0.0',
      ),
    ),
    { kind: 'gone', message: 'downloaded zip file too large' },
  );
  assert.deepEqual(
    await outcome(
      repoOf(failAfterFirstChunk(new ModgateError('too-large', 'archive too large'))).zip('v1.0.0'),
    ),
    { kind: 'gone', message: 'downloaded zip file too large' },
  );
  // Transient trouble keeps its kind (502 / 504): a retry may well succeed.
  const gitDied = await outcome(
    repoOf(
      failAfterFirstChunk(
        new ModgateError('upstream', 'git archive: exit status 128: fatal: early EOF'),
      ),
    ).zip('v1.0.0'),
  );
  assert.deepEqual(gitDied, {
    kind: 'upstream',
    message: 'git archive: exit status 128: fatal: early EOF',
  });
  const slow = await outcome(
    repoOf(failAfterFirstChunk(new ModgateError('timeout', 'git archive: timed out'))).zip(
      'v1.0.0',
    ),
  );
  assert.equal(slow.kind, 'timeout');
  const refused = await outcome(
    repoOf(() => Promise.reject(new ModgateError('upstream', 'git archive: exit status 1'))).zip(
      'v1.0.0',
    ),
  );
  assert.equal(refused.kind, 'upstream');
  assert.deepEqual(await emptySoon(tmp), []);
});

test('+incompatible and pseudo-version zips carry their version in every name', async () => {
  const h = new FakeCodeHost('zip-inc');
  h.commit({ time: '2024-01-01T00:00:00Z', files: { 'a.go': 'package z\n' } });
  h.tag('v2.0.0');
  const c2 = h.commit({ time: '2024-01-02T03:04:05Z', files: { 'b.go': 'package z\n' } });
  const repo = new CodeRepo(M, M, h, { tmpDir: tmp });
  const inc = await readModuleZip(
    await repo.zip('v2.0.0+incompatible'),
    `${M}@v2.0.0+incompatible/`,
  );
  assert.deepEqual(inc.names, ['a.go']);
  const pv = `v2.0.1-0.20240102030405-${c2.slice(0, 12)}+incompatible`;
  const p = await readModuleZip(await repo.zip(pv), `${M}@${pv}/`);
  assert.deepEqual(p.names, ['a.go', 'b.go']);
  assert.equal((await repo.goMod(pv)).toString(), `module ${M}\n`);
});

test('mod and zip only serve versions whose .info is that version', async () => {
  const h = new FakeCodeHost('zip-check');
  const c1 = h.commit({ time: '2024-01-01T00:00:00Z', files: { 'go.mod': `module ${M}\n` } });
  h.tag('v1.0.0');
  const repo = new CodeRepo(M, M, h, { tmpDir: tmp });
  const kindOf = async (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'ok',
      (e: unknown) => (e as ModgateError).kind,
    );
  assert.equal(await kindOf(repo.goMod('v1.0')), 'invalid');
  assert.equal(await kindOf(repo.goMod('v1.0.0+incompatible')), 'not-found');
  assert.equal(await kindOf(repo.zip('v1.0.0+incompatible')), 'not-found');
  const replacing = `v1.0.1-0.20240101000000-${c1.slice(0, 12)}`;
  assert.equal(await kindOf(repo.zip(replacing)), 'not-found');
  assert.equal(await kindOf(repo.goMod('v1.0.1')), 'not-found');
  assert.equal(await kindOf(repo.goMod('v1.0.0')), 'ok');
  assert.deepEqual(await readdir(tmp), []);
});

test('large files are streamed through intact', async () => {
  const big = randomBytes(3 * 1024 * 1024 + 7);
  const { repo } = repoWith({ 'v1.0.0': { 'go.mod': `module ${M}\n`, 'data/big.bin': big } });
  const z = await readModuleZip(await repo.zip('v1.0.0'), `${M}@v1.0.0/`);
  assert.deepEqual(z.names, ['data/big.bin', 'go.mod']);
  assert.ok(z.files.get('data/big.bin')!.equals(big));
  assert.deepEqual(await emptySoon(tmp), []);
});

test('a consumer that stops reading early leaves no spooled archive behind', async () => {
  const { repo } = repoWith({
    'v1.0.0': { 'go.mod': `module ${M}\n`, 'big.bin': randomBytes(4 * 1024 * 1024) },
  });
  const stream = await repo.zip('v1.0.0');
  await new Promise<void>((resolve) => stream.once('data', () => resolve()));
  stream.destroy();
  assert.deepEqual(await emptySoon(tmp), []);
});
