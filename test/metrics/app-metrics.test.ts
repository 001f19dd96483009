import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { AppMetrics } from '../../src/app/app-metrics.js';
import { sourceCommit } from '../../src/app/source-commit.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log/index.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { parseExposition, sumOf } from './exposition.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test('git commands: class, cat-file among local commands, outcome; aborted ones not counted; batch processes have no duration', async () => {
  const config = loadConfig({ flags: { 'log.level': 'silent', 'storage.backend': 'memory' } });
  const app = AppMetrics.create(config, createLogger(config.log));
  assert.ok(app !== undefined);
  const event = (
    args: string[],
    cls: 'ls-remote' | 'fetch' | 'local' | 'archive',
    failure?: string,
  ) =>
    app.gitObserver({
      args,
      class: cls,
      exitCode: failure === undefined ? 0 : 1,
      durationMs: 20,
      startedAt: 0,
      ...(failure === undefined ? {} : { failure }),
    });
  event(['-c', 'credential.helper=', 'ls-remote', 'https://h/r'], 'ls-remote');
  event(['fetch', 'origin'], 'fetch', 'timeout');
  event(['-C', '/repo', 'cat-file', '-e', 'abc'], 'local', 'exit');
  event(['--no-replace-objects', 'cat-file', '--batch'], 'local');
  event(['rev-parse', 'HEAD'], 'local');
  event(['archive', '--format=zip', 'abc'], 'archive', 'aborted');
  const s = parseExposition(await app.metrics.registry.metrics());
  const n = (command: string, outcome: string) =>
    sumOf(s, 'modgate_git_commands_total', { command, outcome });
  assert.equal(n('ls-remote', 'ok'), 1);
  assert.equal(n('fetch', 'timeout'), 1);
  assert.equal(n('cat-file', 'error'), 1);
  assert.equal(n('cat-file', 'ok'), 1);
  assert.equal(n('other', 'ok'), 1);
  assert.equal(sumOf(s, 'modgate_git_commands_total', { command: 'archive' }), 0);
  // The long-running cat-file --batch counts as a command, not as a latency.
  assert.equal(sumOf(s, 'modgate_git_command_duration_seconds_count', { command: 'cat-file' }), 1);
  assert.equal(sumOf(s, 'modgate_git_command_duration_seconds_sum', { command: 'cat-file' }), 0.02);
});

test('sourceCommit: HEAD of the checkout from .git files, else unknown', async () => {
  const hash = 'a'.repeat(40);
  const other = 'b'.repeat(40);
  const root = await mkdtemp(join(tmpdir(), 'modgate-commit-'));
  dirs.push(root);
  assert.equal(sourceCommit(root), 'unknown', 'no .git');
  await mkdir(join(root, '.git', 'refs', 'heads'), { recursive: true });
  await writeFile(join(root, '.git', 'HEAD'), `${hash}\n`);
  assert.equal(sourceCommit(root), hash, 'detached HEAD');
  await writeFile(join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  await writeFile(join(root, '.git', 'packed-refs'), `# pack-refs\n${other} refs/heads/main\n`);
  assert.equal(sourceCommit(root), other, 'packed ref');
  await writeFile(join(root, '.git', 'refs', 'heads', 'main'), `${hash}\n`);
  assert.equal(sourceCommit(root), hash, 'loose ref first');
  await writeFile(join(root, '.git', 'HEAD'), 'ref: ../../etc/passwd\n');
  assert.equal(sourceCommit(root), 'unknown');
  // A worktree: .git is a file naming the real directory, refs in the common directory.
  const wt = await mkdtemp(join(tmpdir(), 'modgate-commit-wt-'));
  dirs.push(wt);
  const gitDir = join(root, '.git', 'worktrees', 'w');
  await mkdir(gitDir, { recursive: true });
  await writeFile(join(wt, '.git'), `gitdir: ${gitDir}\n`);
  await writeFile(join(gitDir, 'HEAD'), 'ref: refs/heads/main\n');
  await writeFile(join(gitDir, 'commondir'), '../..\n');
  assert.equal(sourceCommit(wt), hash);
});

test('a start-up count cut short by stop is not reported as a failure; a real failure is', async () => {
  const config = loadConfig({
    flags: { 'log.level': 'warn', 'log.format': 'json', 'storage.backend': 'memory' },
  });
  let out = '';
  const sink = new PassThrough();
  sink.on('data', (d: Buffer) => (out += d.toString()));
  const app = AppMetrics.create(config, createLogger(config.log, sink));
  assert.ok(app !== undefined);
  // A backend whose listing fails once it is closed (as a disk's would), or on demand.
  const failingList = (inner: MemoryStorage, gate: Promise<void>): MemoryStorage => {
    inner.list = async () => {
      await gate;
      throw new Error('listing failed');
    };
    return inner;
  };
  let release = (): void => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const stopped = app.storage(failingList(new MemoryStorage(), gate));
  await stopped.close();
  release();
  const broken = app.storage(failingList(new MemoryStorage(), Promise.resolve()));
  for (let i = 0; i < 200 && !out.includes('counting the stored files failed'); i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const warnings = out.split('\n').filter((l) => l.includes('counting the stored files failed'));
  assert.equal(warnings.length, 1, out);
  await broken.close();
});
