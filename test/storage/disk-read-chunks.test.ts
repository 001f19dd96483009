import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiskStorage } from '../../src/storage/index.js';
import { READ_CHUNK_BYTES } from '../../src/storage/disk/disk-storage.js';
import { FileRangeStream } from '../../src/storage/disk/file-range-stream.js';
import { SyncReadGate } from '../../src/storage/disk/sync-read-gate.js';
import { readAll } from './stream-helpers.js';

test('openRead streams large files in READ_CHUNK_BYTES reads, ranges included', async () => {
  const root = await mkdtemp(join(tmpdir(), 'modgate-disk-chunks-'));
  try {
    const storage = await DiskStorage.open(join(root, 'data'));
    const data = Buffer.alloc(3 * READ_CHUNK_BYTES + 12345);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    const key = 'example.com/big/@v/v1.0.0.zip';
    await storage.putBytes(key, data);
    assert.ok(READ_CHUNK_BYTES > 64 * 1024, 'larger than the 64 KiB default');

    const whole = await storage.openRead(key);
    assert.ok(whole);
    const sizes: number[] = [];
    const chunks: Buffer[] = [];
    for await (const c of whole.stream) {
      sizes.push((c as Buffer).length);
      chunks.push(c as Buffer);
    }
    assert.deepEqual(sizes, [READ_CHUNK_BYTES, READ_CHUNK_BYTES, READ_CHUNK_BYTES, 12345]);
    assert.ok(Buffer.concat(chunks).equals(data));

    const part = await storage.openRead(key, { start: 100, end: 100 + READ_CHUNK_BYTES + 9 });
    assert.ok(part);
    const got: Buffer[] = [];
    for await (const c of part.stream) got.push(c as Buffer);
    assert.deepEqual(
      got.map((c) => c.length),
      [READ_CHUNK_BYTES, 10],
    );
    assert.ok(Buffer.concat(got).equals(data.subarray(100, 100 + READ_CHUNK_BYTES + 10)));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('readInto fills the caller buffer with the range, then closes the file', async () => {
  const root = await mkdtemp(join(tmpdir(), 'modgate-disk-chunks-'));
  const storage = await DiskStorage.open(join(root, 'data'));
  try {
    const data = Buffer.alloc(100_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 13) & 0xff;
    const key = 'example.com/big/@v/v1.0.0.zip';
    await storage.putBytes(key, data);
    const opened = await storage.openRead(key, { start: 10, end: 50_009 });
    assert.ok(opened);
    const stream = opened.stream as FileRangeStream;
    assert.equal(typeof stream.readInto, 'function');
    assert.equal(stream.remaining, 50_000);
    const buffer = Buffer.alloc(30_000);
    const got: Buffer[] = [];
    for (let n; (n = await stream.readInto(buffer)) > 0;) {
      got.push(Buffer.from(buffer.subarray(0, n)));
    }
    assert.deepEqual(
      got.map((c) => c.length),
      [30_000, 20_000],
    );
    assert.ok(Buffer.concat(got).equals(data.subarray(10, 50_010)));
    if (!stream.closed) await once(stream, 'close');
    assert.ok(stream.destroyed, 'the end released the descriptor');
    await assert.rejects(stream.readInto(buffer), /destroyed/);
  } finally {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('a stored file cut short under a reader fails the read instead of ending early', async () => {
  const root = await mkdtemp(join(tmpdir(), 'modgate-disk-chunks-'));
  const storage = await DiskStorage.open(join(root, 'data'));
  try {
    const key = 'example.com/big/@v/v1.0.0.zip';
    await storage.putBytes(key, Buffer.alloc(3 * READ_CHUNK_BYTES, 1));
    for (const way of ['stream', 'readInto'] as const) {
      const opened = await storage.openRead(key);
      assert.ok(opened);
      await truncate(join(root, 'data', key), READ_CHUNK_BYTES + 5); // never done by modgate
      const stream = opened.stream as FileRangeStream;
      if (way === 'stream') {
        await assert.rejects(readAll(stream), /file ended at byte/);
      } else {
        const buffer = Buffer.alloc(READ_CHUNK_BYTES);
        await assert.rejects(
          (async () => {
            while ((await stream.readInto(buffer)) > 0);
          })(),
          /file ended at byte/,
        );
        stream.destroy();
      }
      await storage.putBytes(key, Buffer.alloc(3 * READ_CHUNK_BYTES, 1));
    }
  } finally {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('readInto reads synchronously while the gate is open, through the thread pool once a slow read closed it', async () => {
  const root = await mkdtemp(join(tmpdir(), 'modgate-disk-chunks-'));
  try {
    const data = Buffer.alloc(50_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
    const file = join(root, 'f');
    await writeFile(file, data);
    // Every synchronous read looks 10 ms long on this clock, and as if it had read blocks from
    // disk: the first one closes the gate.
    const clock = { ms: 0 };
    let blocks = 0;
    let slow = true;
    let syncReads = 0;
    const gate = new (class extends SyncReadGate {
      override recordStreamRead(startedAt: number): void {
        syncReads++;
        if (slow) {
          clock.ms += 10;
          blocks += 8;
        }
        super.recordStreamRead(startedAt);
      }
    })({ now: () => clock.ms, diskBlocksRead: () => blocks });
    const stream = new FileRangeStream(await open(file, 'r'), 5, 44_999, 8192, gate);
    const buffer = Buffer.alloc(10_000);
    const got: Buffer[] = [];
    for (let n; (n = await stream.readInto(buffer)) > 0;) {
      got.push(Buffer.from(buffer.subarray(0, n)));
    }
    assert.deepEqual(
      got.map((c) => c.length),
      [10_000, 10_000, 10_000, 10_000, 4995],
    );
    assert.ok(Buffer.concat(got).equals(data.subarray(5, 45_000)));
    assert.equal(syncReads, 1, 'one synchronous read, the others through the pool');
    assert.equal(gate.isOpen(), false);

    clock.ms += 1000; // open again, and the disk is fast now: every read is synchronous
    slow = false;
    const again = new FileRangeStream(await open(file, 'r'), 0, 49_999, 8192, gate);
    let bytes = 0;
    for (let n; (n = await again.readInto(buffer)) > 0;) bytes += n;
    assert.equal(bytes, 50_000);
    assert.equal(syncReads, 1 + 5);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
