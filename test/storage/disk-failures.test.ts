// Real file-system failures, not simulated ones: each operation runs in a child process
// (disk-failure-child.ts) under a file-size limit (EFBIG, the closest thing to a full disk
// that needs no mount) or as a user who lacks the permissions (EACCES; as root the child runs
// as `nobody`, since root ignores file modes). The contract checked: the failure is a
// ModgateError `internal` or `unavailable` naming the operation and the key, with the errno
// as its cause, and nothing partial is left, in the URL space or in staging.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DiskStorage } from '../../src/storage/disk/disk-storage.js';
import { stagedFiles } from './staged-files.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'disk-failure-child.js');
const NOBODY = 65534;

interface Outcome {
  ok: boolean;
  value?: unknown;
  kind?: string;
  message?: string;
  code?: string | null;
}

/** Runs one operation in the child; `shell` wraps the node command (e.g. to set ulimit). */
function runChild(args: string[], options: { shell?: string; asUser?: number }): Promise<Outcome> {
  const nodeArgv = [process.execPath, CHILD, ...args];
  const [file, argv] =
    options.shell === undefined
      ? [process.execPath, nodeArgv.slice(1)]
      : ['/bin/sh', ['-c', `${options.shell} && exec "$@"`, 'sh', ...nodeArgv]];
  const ids = options.asUser === undefined ? {} : { uid: options.asUser, gid: options.asUser };
  return new Promise((resolve, reject) => {
    // The timeout only stops a hung child from hanging the suite; nothing asserts on time.
    execFile(file, argv, { cwd: '/', timeout: 60_000, ...ids }, (err, stdout, stderr) => {
      if (err !== null) {
        reject(new Error(`child failed: ${err.message}\n${stderr}`));
        return;
      }
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Outcome);
      } catch {
        reject(new Error(`child printed no outcome: ${stdout}\n${stderr}`));
      }
    });
  });
}

function assertFailure(outcome: Outcome, kinds: string[], code: string, ...parts: string[]) {
  assert.equal(outcome.ok, false, `expected a failure, got ${JSON.stringify(outcome)}`);
  assert.ok(kinds.includes(outcome.kind ?? ''), `kind ${String(outcome.kind)}`);
  assert.equal(outcome.code, code, 'the errno is the cause');
  for (const part of parts) {
    assert.ok(outcome.message?.includes(part), `message ${outcome.message} names ${part}`);
  }
}

async function withRoot(body: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'modgate-disk-failures-'));
  try {
    await body(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe('DiskStorage under real file-system failures', () => {
  for (const op of ['putStream', 'putBytes'] as const) {
    test(`${op} past the file-size limit (EFBIG) fails cleanly and keeps the old file`, () =>
      withRoot(async (root) => {
        const dataDir = join(root, 'data');
        const storage = await DiskStorage.open(dataDir);
        const key = 'example.com/m/@v/v1.0.0.zip';
        const fresh = 'example.com/m/@v/v1.1.0.zip';
        await storage.putBytes(key, Buffer.from('old complete zip'));
        // 16 blocks: 8 KiB (dash counts 512-byte blocks) or 16 KiB; the writes are 200 KB.
        const shell = 'ulimit -f 16';
        for (const target of [key, fresh]) {
          const outcome = await runChild([dataDir, op, target, '200000'], { shell });
          assert.deepEqual(await stagedFiles(dataDir), [], `${target}: staging`);
          assertFailure(outcome, ['internal', 'unavailable'], 'EFBIG', op, target);
        }
        assert.equal(await readFile(join(dataDir, key), 'utf8'), 'old complete zip');
        assert.equal(await storage.getBytes(fresh), null);
        assert.deepEqual(await storage.list(''), [key]);
      }));
  }

  test('permission failures (EACCES) are `unavailable` and name the operation and key', () =>
    withRoot(async (root) => {
      // As root the child runs as nobody (file modes do not bind root); otherwise as us.
      const asUser = process.getuid?.() === 0 ? NOBODY : undefined;
      const dataDir = join(root, 'data');
      const storage = await DiskStorage.open(dataDir);
      const readable = 'example.com/m/@v/list';
      const unreadable = 'example.com/m/@v/v1.0.0.info';
      const lockedList = 'example.com/locked/@v/list';
      const lockedNew = 'example.com/locked/@v/v1.0.0.zip';
      const hidden = 'example.com/hidden/@v/list';
      for (const key of [readable, unreadable, lockedList, hidden]) {
        await storage.putBytes(key, Buffer.from(`content of ${key}`));
      }
      const lockedDir = join(dataDir, 'example.com/locked/@v');
      const hiddenDir = join(dataDir, 'example.com/hidden/@v');
      const staging = join(dataDir, '.staging');
      await chmod(root, 0o755);
      await chmod(join(dataDir, unreadable), 0o000);
      await chmod(lockedDir, 0o555);
      await chmod(hiddenDir, 0o000);
      await chmod(staging, 0o777);
      try {
        // The child can reach the data directory at all.
        assert.deepEqual(await runChild([dataDir, 'getBytes', readable], { asUser }), {
          ok: true,
          value: Buffer.byteLength(`content of ${readable}`),
        });

        const unavailable = ['unavailable'];
        for (const op of ['getBytes', 'openRead']) {
          const outcome = await runChild([dataDir, op, unreadable], { asUser });
          assertFailure(outcome, unavailable, 'EACCES', op, unreadable);
        }
        const statted = await runChild([dataDir, 'stat', hidden], { asUser });
        assertFailure(statted, unavailable, 'EACCES', 'stat', hidden);

        for (const op of ['putBytes', 'putStream']) {
          for (const key of [lockedList, lockedNew]) {
            const outcome = await runChild([dataDir, op, key, '100000'], { asUser });
            assertFailure(outcome, unavailable, 'EACCES', op, key);
            assert.deepEqual(await stagedFiles(dataDir), [], `${op} ${key}: staging`);
          }
        }
        const deleted = await runChild([dataDir, 'delete', lockedList], { asUser });
        assertFailure(deleted, unavailable, 'EACCES', 'delete', lockedList);

        // A staging directory the server cannot write: refused at start, naming the directory.
        await chmod(staging, 0o555);
        const opened = await runChild([dataDir, 'open'], { asUser });
        assertFailure(opened, unavailable, 'EACCES', dataDir);
      } finally {
        await chmod(staging, 0o755);
        await chmod(hiddenDir, 0o755);
        await chmod(lockedDir, 0o755);
      }
      // Nothing changed: the locked files are whole, no new key appeared.
      assert.equal(await readFile(join(dataDir, lockedList), 'utf8'), `content of ${lockedList}`);
      assert.deepEqual(await storage.list(''), [hidden, lockedList, readable, unreadable]);
    }));
});
