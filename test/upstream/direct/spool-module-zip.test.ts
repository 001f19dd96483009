import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { spoolModuleZip } from '../../../src/upstream/direct/spool-module-zip.js';

// The finished module zip is held in memory when small (no second copy on disk), spilled to a
// temporary file when big, refused past the configured limit; nothing is left behind.
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-spool-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function chunks(n: number, size: number): Readable {
  return Readable.from(
    Array.from({ length: n }, (_, i) => Buffer.alloc(size, i)),
    { objectMode: false },
  );
}

async function collect(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

test('a small zip stays in memory: nothing written to disk', async () => {
  const src = await spoolModuleZip(chunks(4, 1000), 1 << 20, 'm@v1.0.0', dir, undefined, 8192);
  assert.equal(src.size, 4000);
  assert.deepEqual(await readdir(dir), [], 'no spool file');
  const data = await collect(src.stream);
  assert.equal(data.length, 4000);
  assert.equal(data[3999], 3);
});

test('a zip over the in-memory bound spills to a file, removed once read', async () => {
  const src = await spoolModuleZip(chunks(20, 1000), 1 << 20, 'm@v1.0.0', dir, undefined, 8192);
  assert.equal(src.size, 20_000);
  assert.equal((await readdir(dir)).length, 1, 'one spool directory');
  const data = await collect(src.stream);
  assert.equal(data.length, 20_000);
  for (let i = 0; i < 20; i++) assert.equal(data[i * 1000], i);
  for (let i = 0; i < 100 && (await readdir(dir)).length > 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.deepEqual(await readdir(dir), []);
});

test('over the configured limit: too-large naming the limit, nothing left', async () => {
  for (const inMemory of [8192, 100]) {
    await assert.rejects(
      spoolModuleZip(chunks(20, 1000), 5000, 'm@v1.0.0', dir, undefined, inMemory),
      {
        kind: 'too-large',
        message: /larger than the configured limit of 5000 bytes \(limits\.max_zip_size\)/,
      },
    );
    assert.deepEqual(await readdir(dir), []);
  }
});
