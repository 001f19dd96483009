import assert from 'node:assert/strict';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModgateError } from '../../src/errors/index.js';
import type { Storage } from '../../src/storage/index.js';
import type { StorageTest } from './compliance.js';
import { isInvalid } from './compliance-basics.js';
import { pattern, readAll } from './stream-helpers.js';

const ZIP = 'example.com/m/@v/v1.0.0.zip';
const OLD = Buffer.from('the old zip, which must survive every failed putFile');

function isInternal(err: unknown): boolean {
  return err instanceof ModgateError && err.kind === 'internal';
}

/** A failed putFile leaves the key as it was (`OLD`) and adds no other key. */
async function assertUntouched(s: Storage): Promise<void> {
  assert.deepEqual(await s.getBytes(ZIP), OLD);
  assert.deepEqual(await s.list(''), [ZIP]);
}

/** Runs `body` with a fresh local directory (the caller's spool), removed afterwards. */
async function withSpool(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-put-file-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** putFile: a spooled file stored whole, the caller's file left usable, failures store nothing. */
export function putFileCompliance(storageTest: StorageTest): void {
  storageTest('stores a local file of exactly the declared size', (s) =>
    withSpool(async (dir) => {
      const data = pattern(1_000_003, 5);
      const spool = join(dir, 'zip');
      await writeFile(spool, data, { mode: 0o600 });
      await s.putFile(ZIP, spool, data.length);
      assert.deepEqual(await s.getBytes(ZIP), data);
      assert.equal((await s.stat(ZIP))?.size, data.length);
      const read = await s.openRead(ZIP, { start: 10, end: 19 });
      assert.ok(read);
      assert.deepEqual(await readAll(read.stream), data.subarray(10, 20));
    }),
  );

  storageTest('stores an empty file of size 0', (s) =>
    withSpool(async (dir) => {
      await writeFile(join(dir, 'empty'), '');
      await s.putFile(ZIP, join(dir, 'empty'), 0);
      assert.deepEqual(await s.getBytes(ZIP), Buffer.alloc(0));
    }),
  );

  storageTest('leaves the caller its file: still readable, and its removal keeps the store', (s) =>
    withSpool(async (dir) => {
      const data = pattern(300_000, 7);
      const spool = join(dir, 'zip');
      await writeFile(spool, data);
      const reader = await open(spool, 'r'); // a client still reading the spool
      try {
        await s.putFile(ZIP, spool, data.length);
        const back = Buffer.alloc(data.length);
        await reader.read(back, 0, data.length, 0);
        assert.deepEqual(back, data);
        assert.deepEqual(await readFile(spool), data);
      } finally {
        await reader.close();
      }
      await rm(spool);
      assert.deepEqual(await s.getBytes(ZIP), data);
    }),
  );

  storageTest('one file stored under two keys; deleting one leaves the other', (s) =>
    withSpool(async (dir) => {
      const spool = join(dir, 'zip');
      await writeFile(spool, pattern(5000));
      await s.putFile(ZIP, spool, 5000);
      await s.putFile('example.com/m/@v/v1.0.1.zip', spool, 5000);
      await s.delete(ZIP);
      assert.equal(await s.getBytes(ZIP), null);
      assert.deepEqual(await s.getBytes('example.com/m/@v/v1.0.1.zip'), pattern(5000));
      assert.deepEqual(await readFile(spool), pattern(5000));
    }),
  );

  storageTest('overwrites a stored value; a reader of the old one keeps reading it whole', (s) =>
    withSpool(async (dir) => {
      const old = pattern(200_000, 1);
      await s.putBytes(ZIP, old);
      const before = await s.openRead(ZIP);
      assert.ok(before);
      await writeFile(join(dir, 'zip'), pattern(10, 2));
      await s.putFile(ZIP, join(dir, 'zip'), 10);
      assert.deepEqual(await s.getBytes(ZIP), pattern(10, 2));
      assert.deepEqual(await readAll(before.stream), old);
      assert.notEqual((await s.stat(ZIP))?.etag, before.stat.etag);
    }),
  );

  storageTest('a file of another size is refused and stores nothing', (s) =>
    withSpool(async (dir) => {
      await writeFile(join(dir, 'zip'), pattern(100));
      await assert.rejects(s.putFile('new/@v/v1.0.0.zip', join(dir, 'zip'), 101), isInternal);
      assert.deepEqual(await s.list(''), []);
      await s.putBytes(ZIP, OLD);
      await assert.rejects(s.putFile(ZIP, join(dir, 'zip'), 99), isInternal);
      await assert.rejects(s.putFile(ZIP, join(dir, 'zip'), 101), isInternal);
      await assertUntouched(s);
      assert.deepEqual(await readFile(join(dir, 'zip')), pattern(100), 'the file is left alone');
    }),
  );

  storageTest('a missing file or a directory is refused and stores nothing', (s) =>
    withSpool(async (dir) => {
      await s.putBytes(ZIP, OLD);
      await assert.rejects(s.putFile(ZIP, join(dir, 'missing'), 0), isInternal);
      await mkdir(join(dir, 'sub'));
      await assert.rejects(s.putFile(ZIP, join(dir, 'sub'), 0), isInternal);
      await assertUntouched(s);
    }),
  );

  storageTest('invalid keys and sizes are refused before anything is touched', (s) =>
    withSpool(async (dir) => {
      await writeFile(join(dir, 'zip'), pattern(10));
      await assert.rejects(s.putFile('../escape.zip', join(dir, 'zip'), 10), isInvalid);
      for (const size of [-1, 1.5, NaN, Infinity]) {
        await assert.rejects(s.putFile(ZIP, join(dir, 'zip'), size), isInvalid, String(size));
      }
      assert.deepEqual(await s.list(''), []);
      assert.deepEqual(await readFile(join(dir, 'zip')), pattern(10));
    }),
  );

  storageTest('an already aborted signal rejects with its reason and stores nothing', (s) =>
    withSpool(async (dir) => {
      await s.putBytes(ZIP, OLD);
      await writeFile(join(dir, 'zip'), pattern(10));
      const reason = new Error('shutting down');
      await assert.rejects(
        s.putFile(ZIP, join(dir, 'zip'), 10, AbortSignal.abort(reason)),
        (e) => e === reason,
      );
      await assertUntouched(s);
    }),
  );
}
