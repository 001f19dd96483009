import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiskStorage } from '../../src/storage/index.js';
import { READ_CHUNK_BYTES } from '../../src/storage/disk/disk-storage.js';

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
