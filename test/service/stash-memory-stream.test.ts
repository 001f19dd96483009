import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import type { ChecksumGate } from '../../src/service/checksum-gate.js';
import { Stash, type StashTarget } from '../../src/service/stash.js';
import { HOLDBACK_BYTES, ZipDownload } from '../../src/service/zip-download.js';
import { MEMORY_ZIP_BYTES } from '../../src/service/zip-in-memory.js';
import { MemoryStorage } from '../../src/storage/index.js';
import type { ZipSource } from '../../src/upstream/upstream.js';
import { makeZip } from '../support/fixture-proxy.js';

// Issue 9 item 6: a zip over MEMORY_ZIP_BYTES whose announced size fits the memory budget is
// downloaded into memory, not a spool file, and streamed to its clients while it arrives — with
// the spooled path's holdback: its last HOLDBACK_BYTES reach no client before the zip rules and
// the checksum gates passed, so a refused zip is never delivered whole (the client's stream
// fails short of the end), and nothing is stored. A verified one is stored behind its answer.

let spoolDir: string;
before(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'modgate-stash-memstream-'));
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

class Gate implements ChecksumGate {
  calls = 0;
  constructor(private readonly refuse: boolean) {}
  check(): Promise<void> {
    this.calls++;
    if (this.refuse) return Promise.reject(new ModgateError('checksum', 'refused by the gate'));
    return Promise.resolve();
  }
}

class CountingStorage extends MemoryStorage {
  putBytesCalls = 0;
  putFileCalls = 0;
  override putBytes(key: string, data: Buffer, signal?: AbortSignal) {
    this.putBytesCalls++;
    return super.putBytes(key, data, signal);
  }
  override putFile(key: string, path: string, size: number, signal?: AbortSignal) {
    this.putFileCalls++;
    return super.putFile(key, path, size, signal);
  }
}

/** A source sending `zip` in 64 KiB chunks, holding its last chunk until `release`. */
function heldSource(zip: Buffer): { source: ZipSource; release: () => void } {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < zip.length; i += 65536) {
      if (i + 65536 >= zip.length) await held;
      yield zip.subarray(i, Math.min(zip.length, i + 65536));
    }
  }
  return { source: { stream: Readable.from(chunks()), size: zip.length }, release };
}

/** Reads `reader` until it ends or fails: the bytes received, and the failure if any. */
async function readUntilEnd(
  reader: Readable,
  onBytes?: (received: number) => void,
): Promise<{ data: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of reader) {
      parts.push(chunk as Buffer);
      received += (chunk as Buffer).length;
      onBytes?.(received);
    }
    return { data: Buffer.concat(parts), error: undefined };
  } catch (err) {
    return { data: Buffer.concat(parts), error: err };
  }
}

/** A zip of ~2.5 MiB (stored entries of random bytes): over MEMORY_ZIP_BYTES, under the budget. */
async function bigZip(): Promise<Buffer> {
  const zip = await makeZip(
    'example.com/m',
    'v1.0.0',
    { 'go.mod': 'module example.com/m\n', 'blob.bin': randomBytes(2.5 * 1024 * 1024) },
    { compress: false },
  );
  assert.ok(zip.length > MEMORY_ZIP_BYTES + HOLDBACK_BYTES);
  return zip;
}

test('a zip over 1 MiB is streamed from memory while it arrives: no spool file, stored behind', async () => {
  const zip = await bigZip();
  const storage = new CountingStorage();
  const gate = new Gate(false);
  const stash = new Stash(storage, { spoolDir, checksumGates: [gate] });
  const { source, release } = heldSource(zip);
  const got = await stash.zip(target, () => Promise.resolve(source));
  assert.ok(got.download, 'a shared download');
  // The reader gets bytes while the download is still held short of its end...
  let sawEarly = false;
  const read = readUntilEnd(got.reader, (received) => {
    if (received >= zip.length - 65536 - HOLDBACK_BYTES && !sawEarly) {
      sawEarly = true;
      // ...and nothing went to a spool file.
      void readdir(spoolDir).then((files) => {
        assert.deepEqual(files, []);
        release();
      });
    }
  });
  const { data, error } = await read;
  assert.equal(error, undefined);
  assert.ok(sawEarly, 'bytes reached the client before the download ended');
  assert.deepEqual(data, zip);
  assert.equal(gate.calls, 1);
  await got.download.finished;
  await stash.settle();
  assert.equal((await storage.getBytes(target.key))?.equals(zip), true);
  assert.equal(storage.putFileCalls, 0, 'no spool file committed');
  assert.equal(storage.putBytesCalls, 1);
});

test('a zip streamed from memory that the gates refuse never reaches its client whole, nor storage', async () => {
  const zip = await bigZip();
  const storage = new CountingStorage();
  const gate = new Gate(true);
  const stash = new Stash(storage, { spoolDir, checksumGates: [gate] });
  const { source, release } = heldSource(zip);
  const got = await stash.zip(target, () => Promise.resolve(source));
  assert.ok(got.download, 'a shared download');
  let sawEarly = false;
  const { data, error } = await readUntilEnd(got.reader, (received) => {
    if (received >= zip.length - 65536 - HOLDBACK_BYTES && !sawEarly) {
      sawEarly = true;
      release();
    }
  });
  assert.ok(sawEarly, 'bytes reached the client before verification');
  assert.ok(error instanceof ModgateError && error.kind === 'checksum', String(error));
  assert.ok(
    data.length <= zip.length - HOLDBACK_BYTES,
    `the client got ${data.length} of ${zip.length} bytes: the holdback was released`,
  );
  assert.deepEqual(data, zip.subarray(0, data.length));
  await assert.rejects(got.download.finished);
  await stash.settle();
  assert.equal(await storage.getBytes(target.key), null);
  assert.equal(storage.putBytesCalls + storage.putFileCalls, 0);
});

test('memoryStreamBytes 0 keeps such a zip spooled to a file', async () => {
  const zip = await bigZip();
  const storage = new CountingStorage();
  const stash = new Stash(storage, { spoolDir, memoryStreamBytes: 0 });
  const got = await stash.zip(target, () =>
    Promise.resolve({ stream: Readable.from([zip]), size: zip.length }),
  );
  assert.ok(got.download);
  const { data, error } = await readUntilEnd(got.reader);
  assert.equal(error, undefined);
  assert.deepEqual(data, zip);
  await got.download.finished;
  assert.equal(storage.putFileCalls, 1);
});

test('a reader started once the whole zip is in memory and verified gets every byte', async () => {
  // Regression: the reader's pump ran synchronously inside read(), and a read() Readable made
  // while the pump was returning was ignored: the stream stalled after its first chunk.
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += 65536) chunks.push(data.subarray(i, i + 65536));
  for (const slow of [false, true]) {
    const download = new ZipDownload(
      { stream: Readable.from(chunks), size: data.length },
      {
        spoolDir,
        verify: () => Promise.resolve(),
        commit: () => Promise.reject(new Error('not a spooled download')),
        commitBytes: () => Promise.resolve(),
      },
    );
    await download.finished;
    const reader = download.createReader();
    let got = 0;
    const parts: Buffer[] = [];
    const sink = new Writable({
      highWaterMark: 16384,
      write(chunk: Buffer, _enc, cb) {
        got += chunk.length;
        parts.push(chunk);
        if (slow) setImmediate(cb);
        else cb();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`stalled after ${got} bytes`)), 20_000);
    });
    try {
      await Promise.race([pipeline(reader, sink), stalled]);
    } finally {
      clearTimeout(timer);
    }
    assert.deepEqual(Buffer.concat(parts), data, slow ? 'slow consumer' : 'fast consumer');
  }
});
