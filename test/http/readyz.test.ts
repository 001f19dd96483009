import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { MemoryStorage } from '../../src/storage/index.js';
import { getStatus, startBareServer } from './bare-proxy-server.js';

/** A memory storage counting readiness probes, failing them while `broken`. */
class ProbedStorage extends MemoryStorage {
  probes = 0;
  broken = false;
  override async checkReady(signal?: AbortSignal): Promise<void> {
    this.probes++;
    await sleep(20); // a probe takes a moment: calls meanwhile share it
    if (this.broken) throw new Error('storage is broken');
    return super.checkReady(signal);
  }
}

test('/readyz: a burst of calls makes one storage probe, cached for a second', async () => {
  const storage = new ProbedStorage();
  const s = await startBareServer({ storage });
  try {
    const burst = await Promise.all(Array.from({ length: 20 }, () => getStatus(s.url, '/readyz')));
    assert.deepEqual(new Set(burst), new Set([200]));
    for (let i = 0; i < 10; i++) assert.equal(await getStatus(s.url, '/readyz'), 200);
    assert.equal(storage.probes, 1);

    // A second later the next call probes again, and sees the storage as it is now; a failed
    // probe is cached (and logged) once too.
    storage.broken = true;
    await sleep(1100);
    const failed = await Promise.all(Array.from({ length: 5 }, () => getStatus(s.url, '/readyz')));
    assert.deepEqual(new Set(failed), new Set([503]));
    assert.equal(storage.probes, 2);
    assert.equal(s.lines().filter((l) => l.msg === 'readiness check failed').length, 1);
  } finally {
    await s.stop();
  }
});
