import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiskStorage } from '../../src/storage/index.js';
import { SMALL_FILE_BYTES } from '../../src/storage/disk/read-small-file-sync.js';
import { SyncReadGate } from '../../src/storage/disk/sync-read-gate.js';

/** File-system requests queued to libuv's thread pool by fs/promises and not answered yet. */
function poolRequests(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'FSReqPromise').length;
}

/** A gate that stays open (`open: true`) or closed, whatever the reads take. */
function fixedGate(open: boolean): SyncReadGate {
  const clock = { ms: 0 };
  const gate = new SyncReadGate({
    slowMs: open ? Infinity : 4,
    closedMs: 1e12,
    maxClosedMs: 1e12,
    now: () => clock.ms,
  });
  if (!open) {
    clock.ms = 5; // one slow read closes it
    gate.recordSyncRead(0);
  }
  return gate;
}

async function withStorage(
  gate: SyncReadGate,
  run: (storage: DiskStorage, dataDir: string) => Promise<void>,
): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'modgate-disk-small-'));
  try {
    const dataDir = join(root, 'data');
    const storage = await DiskStorage.open(dataDir, { syncReads: gate });
    try {
      await run(storage, dataDir);
    } finally {
      await storage.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('getBytes reads a small file, or finds none, on the event loop while the gate is open', async () => {
  await withStorage(fixedGate(true), async (storage, dataDir) => {
    const key = 'example.com/m/@v/v1.0.0.mod';
    await storage.putBytes(key, Buffer.from('module example.com/m\n'));
    await mkdir(join(dataDir, 'example.com/m/@v/v1.1.0.mod'), { recursive: true });
    for (const [k, want] of [
      [key, Buffer.from('module example.com/m\n')],
      ['example.com/m/@v/v2.0.0.mod', null], // no such file
      ['example.com/m/@v/v1.0.0.mod/x', null], // ENOTDIR
      ['example.com/m/@v/v1.1.0.mod', null], // a directory is no stored file
    ] as const) {
      const before = poolRequests();
      const got = storage.getBytes(k);
      assert.equal(poolRequests(), before, `${k}: no thread-pool request`);
      assert.deepEqual(await got, want, k);
    }
    // Larger than SMALL_FILE_BYTES: read whole, through the pool.
    const big = Buffer.alloc(SMALL_FILE_BYTES + 1, 7);
    const bigKey = 'example.com/m/@v/list';
    await storage.putBytes(bigKey, big);
    assert.deepEqual(await storage.getBytes(bigKey), big);
  });
});

test('getBytes goes through the thread pool while the gate is closed (the disk is slow)', async () => {
  await withStorage(fixedGate(false), async (storage) => {
    const key = 'example.com/m/@v/v1.0.0.info';
    await storage.putBytes(key, Buffer.from('{"Version":"v1.0.0"}'));
    const before = poolRequests();
    const got = storage.getBytes(key);
    assert.equal(poolRequests(), before + 1);
    assert.deepEqual(await got, Buffer.from('{"Version":"v1.0.0"}'));
    assert.equal(await storage.getBytes('example.com/m/@v/v9.0.0.info'), null);
  });
});

test('getBytes with an aborted signal rejects with its reason, whichever way it reads', async () => {
  for (const open of [true, false]) {
    await withStorage(fixedGate(open), async (storage) => {
      const key = 'example.com/m/@v/v1.0.0.mod';
      await storage.putBytes(key, Buffer.from('module example.com/m\n'));
      const reason = new Error('stop');
      await assert.rejects(storage.getBytes(key, AbortSignal.abort(reason)), reason);
    });
  }
});
