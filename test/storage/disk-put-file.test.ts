import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import { DiskStorage } from '../../src/storage/index.js';
import { stagedFiles } from './staged-files.js';
import { pattern } from './stream-helpers.js';

const ZIP = 'example.com/m/@v/v1.0.0.zip';

/** Runs `body` with a fresh directory holding `data/` (the data directory) and the spools. */
async function withDirs(
  body: (dataDir: string, root: string, storage: DiskStorage) => Promise<void>,
  root?: string,
): Promise<void> {
  const dir = await mkdtemp(join(root ?? tmpdir(), 'modgate-disk-put-file-'));
  const storage = await DiskStorage.open(join(dir, 'data'));
  try {
    await body(join(dir, 'data'), dir, storage);
  } finally {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('DiskStorage.putFile', () => {
  test('takes a file on the same file system over by a hard link: no byte is copied', () =>
    withDirs(async (dataDir, root, storage) => {
      const spool = join(root, 'spool.zip');
      await writeFile(spool, pattern(2_000_000, 9), { mode: 0o600 });
      await storage.putFile(ZIP, spool, 2_000_000);
      const [stored, source] = [await stat(join(dataDir, ZIP)), await stat(spool)];
      assert.equal(stored.ino, source.ino, 'the stored file is the spool itself');
      assert.equal(stored.nlink, 2);
      assert.deepEqual(await stagedFiles(dataDir), []);
      await rm(spool);
      assert.deepEqual(await readFile(join(dataDir, ZIP)), pattern(2_000_000, 9));
    }));

  test('the stored file gets the mode of every other stored file, whatever the spool had', () =>
    withDirs(async (dataDir, root, storage) => {
      await writeFile(join(root, 'a'), 'a', { mode: 0o600 });
      await storage.putFile(ZIP, join(root, 'a'), 1);
      await storage.putBytes('example.com/m/@v/v1.0.0.mod', Buffer.from('module m\n'));
      const mode = async (key: string) => (await stat(join(dataDir, key))).mode & 0o777;
      assert.equal(await mode(ZIP), await mode('example.com/m/@v/v1.0.0.mod'));
      assert.equal(await mode(ZIP), 0o644 & ~0o022);
    }));

  test('the mode follows the umask the storage was opened with', async () => {
    const old = process.umask(0o027);
    try {
      await withDirs(async (dataDir, root, storage) => {
        await writeFile(join(root, 'a'), 'a', { mode: 0o600 });
        await storage.putFile(ZIP, join(root, 'a'), 1);
        assert.equal((await stat(join(dataDir, ZIP))).mode & 0o777, 0o640);
      });
    } finally {
      process.umask(old);
    }
  });

  test('a file on another file system is copied', async (t) => {
    const shm = '/dev/shm';
    if (!existsSync(shm) || (await stat(shm)).dev === (await stat(tmpdir())).dev) {
      t.skip('no second file system (/dev/shm) here');
      return;
    }
    const other = await mkdtemp(join(shm, 'modgate-put-file-'));
    try {
      await withDirs(async (dataDir, _root, storage) => {
        const spool = join(other, 'spool.zip');
        await writeFile(spool, pattern(300_000, 4), { mode: 0o600 });
        await storage.putFile(ZIP, spool, 300_000);
        assert.notEqual((await stat(join(dataDir, ZIP))).ino, (await stat(spool)).ino);
        assert.deepEqual(await readFile(join(dataDir, ZIP)), pattern(300_000, 4));
        assert.equal((await stat(join(dataDir, ZIP))).mode & 0o777, 0o644 & ~0o022);
        assert.equal((await stat(spool)).mode & 0o777, 0o600, 'the spool is left as it was');
        assert.deepEqual(await stagedFiles(dataDir), []);
      });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  test('a refused file leaves no staging file and no second link to the spool', () =>
    withDirs(async (dataDir, root, storage) => {
      const spool = join(root, 'spool.zip');
      await writeFile(spool, pattern(1000));
      await assert.rejects(
        storage.putFile(ZIP, spool, 999),
        (e) => e instanceof ModgateError && e.kind === 'internal' && e.message.includes(ZIP),
      );
      assert.deepEqual(await stagedFiles(dataDir), []);
      assert.equal((await stat(spool)).nlink, 1);
      assert.equal(await storage.stat(ZIP), null);
    }));

  test('a symbolic link is refused, not stored as a link', () =>
    withDirs(async (dataDir, root, storage) => {
      await writeFile(join(root, 'real'), pattern(10));
      await symlink(join(root, 'real'), join(root, 'link'));
      await assert.rejects(
        storage.putFile(ZIP, join(root, 'link'), 10),
        (e) => e instanceof ModgateError && e.kind === 'internal',
      );
      assert.equal(await storage.stat(ZIP), null);
      assert.deepEqual(await stagedFiles(dataDir), []);
    }));
});
