import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ModgateError } from '../../src/errors/index.js';
import { DiskStorage } from '../../src/storage/index.js';
import { runStorageCompliance } from './compliance.js';
import { stagedFiles } from './staged-files.js';
import { chunked, pattern } from './stream-helpers.js';
import { withZombie } from './zombie.js';

const MINUTE = 60_000;

/** Sets the modification time of a file, or a directory and its files, `ageMs` back. */
async function backdate(path: string, ageMs: number): Promise<void> {
  const then = new Date(Date.now() - ageMs);
  if ((await stat(path)).isDirectory()) {
    for (const name of await readdir(path)) await utimes(join(path, name), then, then);
  }
  await utimes(path, then, then);
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'modgate-disk-storage-'));
}

runStorageCompliance('DiskStorage', async () => {
  const dir = await tempDir();
  const storage = await DiskStorage.open(join(dir, 'data'));
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

/** Runs `body` with a fresh data directory, removed afterwards. */
async function withDataDir(body: (dataDir: string, root: string) => Promise<void>) {
  const root = await tempDir();
  try {
    await body(join(root, 'data'), root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function errorWith(kind: string, ...parts: string[]) {
  return (err: unknown) => {
    assert.ok(err instanceof ModgateError, `a ModgateError, got ${String(err)}`);
    assert.equal(err.kind, kind);
    for (const part of parts) assert.ok(err.message.includes(part), `message names ${part}`);
    return true;
  };
}

describe('DiskStorage specifics', () => {
  test('the on-disk layout is the key, with an empty staging directory', () =>
    withDataDir(async (dataDir) => {
      const storage = await DiskStorage.open(dataDir);
      assert.equal(storage.description, `disk:${dataDir}`);
      const files = {
        'github.com/!burnt!sushi/toml/@v/list': Buffer.from('v1.0.0\n'),
        'github.com/!burnt!sushi/toml/@v/v1.0.0.info': Buffer.from('{"Version":"v1.0.0"}'),
        'github.com/!burnt!sushi/toml/@latest': Buffer.from('{"Version":"v1.0.0"}'),
      };
      for (const [key, data] of Object.entries(files)) await storage.putBytes(key, data);
      const zip = 'github.com/!burnt!sushi/toml/@v/v1.0.0.zip';
      await storage.putStream(zip, chunked(pattern(10_000)), 10_000);
      for (const [key, data] of Object.entries(files)) {
        assert.deepEqual(await readFile(join(dataDir, key)), data, key);
      }
      assert.deepEqual(await readFile(join(dataDir, zip)), pattern(10_000));
      assert.deepEqual((await readdir(dataDir)).sort(), ['.staging', 'github.com']);
      // Failed writes leave nothing in staging either.
      await assert.rejects(storage.putStream(zip, chunked(pattern(5)), 10));
      assert.deepEqual(await stagedFiles(dataDir), []);
      assert.deepEqual(await readFile(join(dataDir, zip)), pattern(10_000));
    }));

  test('a secret is written mode 0600 whatever the umask; other files 0644', () =>
    withDataDir(async (dataDir) => {
      const storage = await DiskStorage.open(dataDir);
      const old = process.umask(0);
      try {
        await storage.putBytes('sumdb-server/x/signer-key', Buffer.from('k'), undefined, {
          secret: true,
        });
        await storage.putBytes('example.com/m/@v/list', Buffer.from('v1.0.0\n'));
        // Replacing a secret keeps it secret; replacing it as a plain file does not.
        await storage.putBytes('sumdb-server/x/other', Buffer.from('a'));
        await storage.putBytes('sumdb-server/x/other', Buffer.from('b'), undefined, {
          secret: true,
        });
      } finally {
        process.umask(old);
      }
      const mode = async (key: string) => (await stat(join(dataDir, key))).mode & 0o777;
      assert.equal(await mode('sumdb-server/x/signer-key'), 0o600);
      assert.equal(await mode('sumdb-server/x/other'), 0o600);
      assert.equal(await mode('example.com/m/@v/list'), 0o644);
      assert.deepEqual(await storage.getBytes('sumdb-server/x/other'), Buffer.from('b'));
    }));

  test('files put there by hand are served; other dot-directories are left alone', () =>
    withDataDir(async (dataDir) => {
      await mkdir(join(dataDir, '.spool'), { recursive: true });
      await writeFile(join(dataDir, '.spool', 'upload-1'), 'spooled');
      await mkdir(join(dataDir, 'example.com/m/@v'), { recursive: true });
      await writeFile(join(dataDir, 'example.com/m/@v/list'), 'v1.0.0\n');
      await writeFile(join(dataDir, 'example.com/m/@v/.DS_Store'), 'junk');
      const storage = await DiskStorage.open(dataDir);
      await storage.putBytes('example.com/m/@v/v1.0.0.info', Buffer.from('{}'));
      assert.deepEqual(await storage.list(''), [
        'example.com/m/@v/list',
        'example.com/m/@v/v1.0.0.info',
      ]);
      assert.deepEqual(await storage.getBytes('example.com/m/@v/list'), Buffer.from('v1.0.0\n'));
      await storage.checkReady();
      assert.equal(await readFile(join(dataDir, '.spool', 'upload-1'), 'utf8'), 'spooled');
    }));

  test('open removes what gone writers left in staging, and nothing touched recently', () =>
    withDataDir(async (dataDir) => {
      const staging = join(dataDir, '.staging');
      await mkdir(staging, { recursive: true });
      // Files as modgate named them before instance directories (`<pid>-<instance>-<random>`),
      // and junk: whatever their pid (none, ours, a live one), kept while recently written.
      const legacy = [
        '2147483646-0a0b0c-00.tmp',
        'garbage',
        `${process.pid}-ffffff-00.tmp`,
        `${process.ppid}-0a0b0c-00.tmp`,
      ];
      for (const name of legacy) await writeFile(join(staging, name), 'partial');
      // Instance directories: one beating, one that stopped eleven minutes ago.
      const live = 'elsewhere-2147483646-000000000000';
      const dead = 'elsewhere-2147483645-000000000000';
      for (const name of [live, dead]) {
        await mkdir(join(staging, name));
        await writeFile(join(staging, name, 'a.tmp'), 'partial');
        await writeFile(join(staging, name, '.heartbeat'), '{}\n');
      }
      await backdate(join(staging, dead), 11 * MINUTE);
      const first = await DiskStorage.open(dataDir);
      await first.close();
      assert.deepEqual(await stagedFiles(dataDir), [...legacy, `${live}/a.tmp`].sort());
      for (const name of [...legacy, live]) await backdate(join(staging, name), 11 * MINUTE);
      const second = await DiskStorage.open(dataDir);
      await second.close();
      assert.deepEqual(await readdir(staging), []);
    }));

  test('a stale leftover whose writer pid is a zombie is removed (kill(pid, 0) says alive)', async (t) => {
    const ran = await withZombie((zombie) =>
      withDataDir(async (dataDir) => {
        const staging = join(dataDir, '.staging');
        await mkdir(staging, { recursive: true });
        // As the writer named its file before instance directories, and as it does now.
        const legacy = join(staging, `${zombie}-0a0b0c-00.tmp`);
        const current = join(staging, `h-${zombie}-000000000000`);
        await writeFile(legacy, 'partial');
        await mkdir(current);
        await writeFile(join(current, 'a.tmp'), 'partial');
        await writeFile(join(current, '.heartbeat'), '{}\n');
        for (const path of [legacy, current]) await backdate(path, 60 * MINUTE);
        const storage = await DiskStorage.open(dataDir);
        try {
          assert.deepEqual(await stagedFiles(dataDir), []);
        } finally {
          await storage.close();
        }
      }),
    );
    if (!ran) t.skip('no /proc to prove a zombie');
  });

  test('another storage on the same data directory neither opens nor closes away a write', () =>
    withDataDir(async (dataDir) => {
      const a = await DiskStorage.open(dataDir);
      const key = 'example.com/m/@v/v1.0.0.zip';
      const source = new PassThrough();
      const writing = a.putStream(key, source, 200_000);
      source.write(pattern(200_000).subarray(0, 100_000));
      while ((await stagedFiles(dataDir)).length === 0) await sleep(10);
      const b = await DiskStorage.open(dataDir);
      await b.putBytes('example.com/m/@v/list', Buffer.from('v1.0.0\n'));
      await b.close();
      source.end(pattern(200_000).subarray(100_000));
      await writing;
      assert.deepEqual(await a.getBytes(key), pattern(200_000));
      await a.close();
      assert.deepEqual(await readdir(join(dataDir, '.staging')), []);
    }));

  test('a staging directory removed under a running storage is recreated', () =>
    withDataDir(async (dataDir) => {
      const storage = await DiskStorage.open(dataDir);
      try {
        await rm(join(dataDir, '.staging'), { recursive: true });
        await storage.checkReady();
        await rm(join(dataDir, '.staging'), { recursive: true });
        await storage.putBytes('example.com/m/@v/list', Buffer.from('v1.0.0\n'));
        await rm(join(dataDir, '.staging'), { recursive: true });
        await storage.putStream('example.com/m/@v/v1.0.0.zip', chunked(pattern(3)), 3);
        assert.deepEqual(await storage.list(''), [
          'example.com/m/@v/list',
          'example.com/m/@v/v1.0.0.zip',
        ]);
      } finally {
        await storage.close();
      }
    }));

  test('a closed storage writes nothing and leaves no staging directory behind', () =>
    withDataDir(async (dataDir) => {
      const storage = await DiskStorage.open(dataDir);
      await storage.close();
      assert.deepEqual(await readdir(join(dataDir, '.staging')), []);
      await assert.rejects(storage.putBytes('example.com/m/@v/list', Buffer.from('v1.0.0\n')));
      assert.deepEqual(await readdir(join(dataDir, '.staging')), []);
      assert.deepEqual(await storage.list(''), []);
    }));

  test(
    'a writer killed mid-write leaves no visible file; its leftovers go once its heartbeat is stale',
    { timeout: 60_000 },
    () =>
      withDataDir(async (dataDir) => {
        const key = 'example.com/m/@v/v1.0.0.zip';
        const old = Buffer.from('old complete zip');
        const setup = await DiskStorage.open(dataDir);
        await setup.putBytes(key, old);
        await setup.close();
        const newKey = 'example.com/m/@v/v1.1.0.zip';
        for (const target of [key, newKey]) {
          const writer = join(dirname(fileURLToPath(import.meta.url)), 'disk-crash-writer.js');
          const child = spawn(process.execPath, [writer, dataDir, target], {
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          child.stdout.setEncoding('utf8');
          child.stdout.on('data', (chunk: string) => (out += chunk));
          const exited = once(child, 'exit');
          while (!out.includes('writing')) {
            await Promise.race([once(child.stdout, 'data'), exited]);
            assert.equal(child.exitCode, null, 'the writer is still running');
          }
          child.kill('SIGKILL');
          const [, signal] = (await exited) as [number | null, string | null];
          assert.equal(signal, 'SIGKILL');

          assert.equal((await stagedFiles(dataDir)).length, 1, 'a leftover');
          assert.deepEqual(await readFile(join(dataDir, key)), old);
          // Its heartbeat is fresh: for all a new process knows, the writer runs on another
          // host. The leftover stays, invisible.
          const storage = await DiskStorage.open(dataDir);
          assert.equal((await stagedFiles(dataDir)).length, 1, 'kept while fresh');
          assert.deepEqual(await storage.getBytes(key), old);
          assert.equal(await storage.getBytes(newKey), null);
          assert.deepEqual(await storage.list(''), [key]);
          await storage.close();
          // A storage with a short bound removes it on a later beat, once stale.
          const quick = await DiskStorage.open(dataDir, {
            liveness: { heartbeatMs: 20, staleAfterMs: 200 },
          });
          while ((await stagedFiles(dataDir)).length > 0) await sleep(20);
          assert.equal((await readdir(join(dataDir, '.staging'))).length, 1, 'its own only');
          assert.deepEqual(await quick.list(''), [key]);
          await quick.close();
        }
      }),
  );

  test('a data directory that cannot be created is a clear error', () =>
    withDataDir(async (_dataDir, root) => {
      const file = join(root, 'a-file');
      await writeFile(file, 'not a directory');
      const dataDir = join(file, 'data');
      await assert.rejects(
        DiskStorage.open(dataDir),
        errorWith('unavailable', dataDir, 'cannot create'),
      );
    }));

  test('a data directory whose staging area is blocked is a clear error', () =>
    withDataDir(async (dataDir) => {
      await mkdir(dataDir);
      await writeFile(join(dataDir, '.staging'), 'a file where the staging directory goes');
      await assert.rejects(DiskStorage.open(dataDir), errorWith('unavailable', dataDir));
    }));

  test(
    'a data directory that cannot be written is a clear error',
    { skip: process.getuid?.() === 0 ? 'root can write anywhere' : false },
    () =>
      withDataDir(async (dataDir) => {
        await mkdir(dataDir);
        await chmod(dataDir, 0o500);
        try {
          await assert.rejects(DiskStorage.open(dataDir), errorWith('unavailable', dataDir));
        } finally {
          await chmod(dataDir, 0o700);
        }
      }),
  );

  test('file-system failures name the operation and the key', () =>
    withDataDir(async (dataDir) => {
      const storage = await DiskStorage.open(dataDir);
      await storage.putBytes('example.com/m/@v/list', Buffer.from('v1.0.0\n'));
      // A key below a file cannot be written: the parent is not a directory.
      const key = 'example.com/m/@v/list/x';
      await assert.rejects(
        storage.putBytes(key, Buffer.from('x')),
        errorWith('internal', 'putBytes', key),
      );
      await assert.rejects(
        storage.putStream(key, chunked(pattern(3)), 3),
        errorWith('internal', 'putStream', key),
      );
      assert.deepEqual(await stagedFiles(dataDir), []);
    }));
});
