import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import type { ChecksumGate, FileToStore } from '../../src/service/checksum-gate.js';
import { Stash, type StashTarget } from '../../src/service/stash.js';
import type { ZipSource } from '../../src/upstream/upstream.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { hashZipFile } from '../../src/zip/files/index.js';
import { makeZip } from '../support/fixture-proxy.js';

// Issue 9 item 6: a zip whose announced size fits in memory (MEMORY_ZIP_BYTES) is downloaded,
// checked and hashed in memory and answered as bytes, never touching a spool file; it is
// stored behind the answer, and every rule of the spooled path holds: one fetch for concurrent
// callers, nothing stored unless verified, a `|` fallback tried when the bytes are refused.

let spoolDir: string;
before(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'modgate-stash-memory-'));
});
after(async () => {
  await rm(spoolDir, { recursive: true, force: true });
});

const target: StashTarget = {
  modulePath: 'example.com/m',
  version: 'v1.0.0',
  key: 'example.com/m/@v/v1.0.0.zip',
  private: false,
};

class RecordingGate implements ChecksumGate {
  readonly seen: FileToStore[] = [];
  refuse = false;
  check(file: FileToStore): Promise<void> {
    this.seen.push(file);
    if (this.refuse) return Promise.reject(new ModgateError('checksum', 'refused by the gate'));
    return Promise.resolve();
  }
}

/** Memory storage whose putBytes waits until the test lets it go on. */
class HeldStorage extends MemoryStorage {
  private release: () => void = () => undefined;
  private readonly held = new Promise<void>((resolve) => (this.release = resolve));
  putBytesCalls = 0;
  putFileCalls = 0;

  override async putBytes(key: string, data: Buffer, signal?: AbortSignal) {
    this.putBytesCalls++;
    await this.held;
    return super.putBytes(key, data, signal);
  }

  override putFile(key: string, path: string, size: number, signal?: AbortSignal) {
    this.putFileCalls++;
    return super.putFile(key, path, size, signal);
  }

  let(): void {
    this.release();
  }
}

const goodZip = () => makeZip('example.com/m', 'v1.0.0', { 'go.mod': 'module example.com/m\n' });

async function h1(zip: Buffer): Promise<string> {
  const file = join(spoolDir, 'h1-check.zip');
  await writeFile(file, zip);
  try {
    return await hashZipFile(file);
  } finally {
    await rm(file);
  }
}

async function drain(reader: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of reader) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

test('stash in memory: a small zip is verified without a spool file, answered as bytes, stored behind', async () => {
  const storage = new HeldStorage();
  const gate = new RecordingGate();
  const stash = new Stash(storage, { spoolDir, checksumGates: [gate] });
  const zip = await goodZip();
  let opened = 0;
  const open = (): Promise<ZipSource> => {
    opened++;
    // Two chunks: the bytes are put together in memory.
    const parts = [zip.subarray(0, 10), zip.subarray(10)];
    return Promise.resolve({ stream: Readable.from(parts), size: zip.length });
  };
  const [a, b] = await Promise.all([stash.zip(target, open), stash.zip(target, open)]);
  assert.equal(opened, 1, 'concurrent callers share one fetch');
  assert.deepEqual(a.body, zip);
  assert.equal(b.body, a.body);
  assert.equal(a.download, undefined);
  assert.deepEqual(gate.seen, [
    {
      modulePath: 'example.com/m',
      version: 'v1.0.0',
      file: 'zip',
      hash: await h1(zip),
      isPrivate: false,
    },
  ]);
  assert.deepEqual(await readdir(spoolDir), [], 'no spool file');

  // Answered before stored: the bytes are pending, and committed() waits for the store.
  assert.equal(storage.putBytesCalls, 1);
  assert.equal(await storage.stat(target.key), null);
  assert.deepEqual(stash.pendingBytes(target.key), zip);
  let committed = false;
  const committing = stash.committed(target.key).then(() => (committed = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(committed, false);
  storage.let();
  await committing;
  assert.deepEqual(await storage.getBytes(target.key), zip);
  assert.equal(stash.pendingBytes(target.key), undefined);
  assert.equal(storage.putFileCalls, 0);
  await stash.settle();
});

test('stash in memory: a zip the rules or a gate refuse is stored nowhere and fetched again next time', async () => {
  const storage = new MemoryStorage();
  const gate = new RecordingGate();
  const stash = new Stash(storage, { spoolDir, checksumGates: [gate] });
  const wrong = await makeZip('example.com/other', 'v1.0.0', {
    'go.mod': 'module example.com/other\n',
  });
  let opened = 0;
  const open = (zip: Buffer) => (): Promise<ZipSource> => {
    opened++;
    return Promise.resolve({ stream: Readable.from([zip]), size: zip.length });
  };
  await assert.rejects(stash.zip(target, open(wrong)), /unexpected file/);
  assert.deepEqual(gate.seen, [], 'the rules come before the gates');
  gate.refuse = true;
  await assert.rejects(stash.zip(target, open(await goodZip())), /refused by the gate/);
  assert.equal(opened, 2);
  await stash.settle();
  assert.equal(await storage.stat(target.key), null);
  assert.deepEqual(await readdir(spoolDir), []);
});

test('stash in memory: a body shorter or longer than announced is refused; a `|` fallback is tried', async () => {
  const storage = new MemoryStorage();
  const stash = new Stash(storage, { spoolDir });
  const zip = await goodZip();
  const cut = (): Promise<ZipSource> =>
    Promise.resolve({ stream: Readable.from([zip.subarray(0, 20)]), size: zip.length });
  await assert.rejects(stash.zip(target, cut), (err: unknown) => {
    assert.ok(err instanceof ModgateError);
    assert.equal(err.kind, 'upstream');
    assert.match(
      err.message,
      new RegExp(`zip was 20 bytes, but the upstream announced ${zip.length}`),
    );
    return true;
  });
  const long = (): Promise<ZipSource> =>
    Promise.resolve({ stream: Readable.from([zip, zip]), size: zip.length });
  await assert.rejects(stash.zip(target, long), /zip was more than/);

  let fallbacks = 0;
  const withFallback = (): Promise<ZipSource> =>
    Promise.resolve({
      stream: Readable.from([zip.subarray(0, 20)]),
      size: zip.length,
      fallback: () => {
        fallbacks++;
        return Promise.resolve({ stream: Readable.from([zip]), size: zip.length });
      },
    });
  const got = await stash.zip(target, withFallback);
  assert.equal(fallbacks, 1);
  assert.deepEqual(got.body, zip);
  await stash.settle();
  assert.deepEqual(await storage.getBytes(target.key), zip);
});

test('stash in memory: a fallback that announces no size, and a zip over the memory bound, are spooled', async () => {
  const zip = await goodZip();
  {
    const storage = new MemoryStorage();
    const stash = new Stash(storage, { spoolDir });
    const got = await stash.zip(target, () =>
      Promise.resolve({
        stream: Readable.from([Buffer.from('not a zip')]),
        size: 9,
        fallback: () => Promise.resolve({ stream: Readable.from([zip]) }),
      }),
    );
    assert.ok(got.download, 'spooled');
    assert.deepEqual(await drain(got.reader), zip);
    await got.download.finished;
    assert.equal((await storage.stat(target.key))?.size, zip.length);
  }
  {
    const storage = new MemoryStorage();
    const stash = new Stash(storage, { spoolDir, memoryZipBytes: zip.length - 1 });
    const got = await stash.zip(target, () =>
      Promise.resolve({ stream: Readable.from([zip]), size: zip.length }),
    );
    assert.ok(got.download, 'spooled');
    assert.deepEqual(await drain(got.reader), zip);
    await got.download.finished;
  }
  assert.deepEqual(await readdir(spoolDir), []);
});
