import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import { Stash, type StashedZip, type StashTarget } from '../../src/service/stash.js';
import type { ZipDownload } from '../../src/service/zip-download.js';
import { DiskStorage, MemoryStorage } from '../../src/storage/index.js';
import { makeZip } from '../support/fixture-proxy.js';

// Issue 9 item 6: a verified file is answered first and stored behind the answer. Readers of a
// zip get every byte once it is verified, before the commit ends; a commit that fails is
// reported, leaves nothing stored, and is not remembered; a `.mod` is returned before its
// write ended, and read back from the stash meanwhile.

let spoolDir: string;
before(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'modgate-stash-behind-'));
});
after(async () => {
  await rm(spoolDir, { recursive: true, force: true });
});

const target = (file: 'mod' | 'zip'): StashTarget => ({
  modulePath: 'example.com/m',
  version: 'v1.0.0',
  key: `example.com/m/@v/v1.0.0.${file}`,
  private: false,
});

/** The spooled download of a zip (the stash's `memoryZipBytes: 0` keeps every zip spooled). */
function spooled(zip: StashedZip): { download: ZipDownload; reader: Readable } {
  if (zip.download === undefined) throw new Error('expected a spooled download');
  return zip;
}

async function drain(reader: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of reader) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** A promise with its resolve and reject. */
function gate(): { promise: Promise<void>; open: () => void; fail: (err: Error) => void } {
  let open = (): void => undefined;
  let fail = (_err: Error): void => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Memory storage whose putFile / putBytes wait until the test lets them go on. */
class HeldStorage extends MemoryStorage {
  readonly fileHeld = gate();
  readonly bytesHeld = gate();
  readonly putFileCalled = gate();
  readonly putBytesCalled = gate();

  override async putFile(key: string, path: string, size: number, signal?: AbortSignal) {
    this.putFileCalled.open();
    await this.fileHeld.promise;
    return super.putFile(key, path, size, signal);
  }

  override async putBytes(key: string, data: Buffer, signal?: AbortSignal) {
    this.putBytesCalled.open();
    await this.bytesHeld.promise;
    return super.putBytes(key, data, signal);
  }
}

const zipOf = () => makeZip('example.com/m', 'v1.0.0', { 'go.mod': 'module example.com/m\n' });

test(
  'stash: a verified zip reaches its readers whole before the commit ends',
  { timeout: 20_000 },
  async () => {
    const storage = new HeldStorage();
    const stash = new Stash(storage, { spoolDir, memoryZipBytes: 0 });
    const zip = await zipOf();
    let opened = 0;
    const open = () => {
      opened++;
      return Promise.resolve({ stream: Readable.from([zip]), size: zip.length });
    };
    const first = spooled(await stash.zip(target('zip'), open));
    await storage.putFileCalled.promise;
    // The commit is held: the reader still gets every byte, and the zip is not visible yet.
    assert.deepEqual(await drain(first.reader), zip);
    assert.equal(first.download.status, 'committing');
    assert.equal(first.download.size, zip.length);
    assert.equal(await storage.stat(target('zip').key), null);
    // A request while it commits joins the verified download (storage has nothing yet).
    const joined = spooled(await stash.zip(target('zip'), open));
    assert.equal(joined.download, first.download);
    assert.deepEqual(await drain(joined.reader), zip);
    assert.equal(opened, 1);

    storage.fileHeld.open();
    await first.download.finished;
    assert.equal(first.download.status, 'committed');
    assert.equal((await storage.stat(target('zip').key))?.size, zip.length);
    await stash.settle();
    assert.deepEqual(await readdir(spoolDir), [], 'no spool file left behind');
  },
);

test(
  'stash: a commit failing after the readers were released is reported, stores nothing and is not remembered',
  { timeout: 20_000 },
  async () => {
    const storage = new HeldStorage();
    const failures: [string, unknown][] = [];
    const stash = new Stash(storage, {
      spoolDir,
      memoryZipBytes: 0,
      onStoreError: (key, err) => failures.push([key, err]),
    });
    const zip = await zipOf();
    let opened = 0;
    const open = () => {
      opened++;
      return Promise.resolve({ stream: Readable.from([zip]), size: zip.length });
    };
    const first = spooled(await stash.zip(target('zip'), open));
    await storage.putFileCalled.promise;
    // A reader still reading when the commit fails gets the verified bytes all the same.
    const late = first.download.createReader();
    storage.fileHeld.fail(new ModgateError('unavailable', 'disk full'));
    await assert.rejects(first.download.finished, /disk full/);
    assert.equal(first.download.status, 'failed');
    assert.deepEqual(await drain(first.reader), zip);
    assert.deepEqual(await drain(late), zip);
    assert.deepEqual(
      failures.map(([key, err]) => [key, (err as Error).message]),
      [[target('zip').key, 'disk full']],
    );
    assert.equal(await storage.stat(target('zip').key), null);

    // The next request downloads it again (this storage fails its commit too).
    const second = spooled(await stash.zip(target('zip'), open));
    assert.notEqual(second.download, first.download);
    assert.equal(opened, 2);
    second.reader.destroy();
    await assert.rejects(second.download.finished, /disk full/);
    await stash.settle();
    assert.deepEqual(await readdir(spoolDir), [], 'no spool file left behind');
  },
);

test(
  'stash: a file system error at commit (disk storage) is reported and leaves nothing visible',
  { timeout: 20_000 },
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'modgate-stash-behind-data-'));
    const storage = await DiskStorage.open(dataDir);
    try {
      const key = target('zip').key;
      // A non-empty directory where the zip would go: the commit's rename fails.
      await mkdir(join(dataDir, key, 'occupied'), { recursive: true });
      const failures: [string, unknown][] = [];
      const stash = new Stash(storage, {
        spoolDir,
        memoryZipBytes: 0,
        onStoreError: (k, err) => failures.push([k, err]),
      });
      const zip = await zipOf();
      const { download, reader } = spooled(
        await stash.zip(target('zip'), () =>
          Promise.resolve({ stream: Readable.from([zip]), size: zip.length }),
        ),
      );
      assert.deepEqual(await drain(reader), zip);
      await assert.rejects(download.finished, (err: unknown) => {
        assert.ok(err instanceof ModgateError, String(err));
        assert.match(err.message, /putFile/);
        return true;
      });
      assert.equal(failures.length, 1);
      assert.equal(failures[0]?.[0], key);
      assert.equal(await storage.stat(key), null);
      await stash.settle();
      assert.deepEqual(await readdir(spoolDir), [], 'no spool file left behind');
      const staging = join(dataDir, '.staging');
      for (const dir of await readdir(staging)) {
        const left = (await readdir(join(staging, dir))).filter((f) => f !== '.heartbeat');
        assert.deepEqual(left, [], 'no staging file left behind');
      }
    } finally {
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
);

test(
  'stash: a go.mod is returned before its write ends, read back from the stash meanwhile',
  { timeout: 20_000 },
  async () => {
    const storage = new HeldStorage();
    const stash = new Stash(storage, { spoolDir });
    const body = Buffer.from('module example.com/m\n');
    assert.deepEqual(await stash.mod(target('mod'), () => Promise.resolve(body)), body);
    await storage.putBytesCalled.promise;
    assert.equal(await storage.getBytes(target('mod').key), null);
    assert.deepEqual(stash.pendingBytes(target('mod').key), body);
    let settled = false;
    const settling = stash.settle().then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'settle waits for the write');
    storage.bytesHeld.open();
    await settling;
    assert.deepEqual(await storage.getBytes(target('mod').key), body);
    assert.equal(stash.pendingBytes(target('mod').key), undefined);
  },
);

test('stash: a write behind the answer that fails is reported and forgotten', async () => {
  const storage = new HeldStorage();
  const failures: string[] = [];
  const stash = new Stash(storage, { spoolDir, onStoreError: (key) => failures.push(key) });
  const body = Buffer.from('module example.com/m\n');
  assert.deepEqual(await stash.mod(target('mod'), () => Promise.resolve(body)), body);
  storage.bytesHeld.fail(new ModgateError('unavailable', 'disk full'));
  await stash.settle();
  assert.deepEqual(failures, [target('mod').key]);
  assert.equal(stash.pendingBytes(target('mod').key), undefined);
  assert.equal(await storage.getBytes(target('mod').key), null);
});
