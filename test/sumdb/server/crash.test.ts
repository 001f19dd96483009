import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { MemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import { DiskStorage } from '../../../src/storage/index.js';
import {
  StorageSumdbCache,
  StorageSumdbState,
  SumdbClient,
} from '../../../src/sumdb/client/index.js';
import { HostedSumdb, openOwnSumdb } from '../../../src/sumdb/server/index.js';
import { FakeSource, inProcessTransport } from './server-env.js';

const writer = fileURLToPath(new URL('./crash-writer.js', import.meta.url));
const NAME = 'sumdb.crash.example';

/** Runs the writer until it has reported `commits` tree heads, then SIGKILLs it mid-append. */
function runAndKill(
  dir: string,
  start: number,
  commits: number,
): Promise<{ n: number; next: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, dir, String(start)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = 0;
    let last = { n: 0, next: start };
    let buf = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const [n = '0', next = '0'] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        last = { n: Number(n), next: Number(next) };
        // A little later, so that the kill lands anywhere in the next commit.
        if (++seen === commits) setTimeout(() => child.kill('SIGKILL'), Math.random() * 15);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited ${code}: ${stderr}`));
      else resolve(last);
    });
  });
}

test('SIGKILLed writers: the log reopens at a head at least as new as the last one reported, every committed record verifies, appends continue', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-sumdb-crash-'));
  const clientStorage = new MemoryStorage();
  try {
    let start = 0;
    let previous = 0;
    let residue = 0;
    for (let round = 0; round < 3; round++) {
      const reported = await runAndKill(dir, start, 15 + round * 7);
      const storage = await DiskStorage.open(dir);
      // Opening checks the head's signature and that the stored tiles fold to its hash.
      const { log, key } = await openOwnSumdb(storage, NAME);
      const n = log.tree.n;
      assert.ok(n >= reported.n && n >= previous, `head ${n}, last reported ${reported.n}`);
      // Every record the head holds is found; whatever the killed append left past it is not.
      const attempted = reported.next + 10;
      let found = 0;
      for (let i = start; i < attempted; i++) {
        if ((await log.find(`example.com/m${i}`, 'v1.0.0')) !== undefined) found++;
        else if (await storage.stat(`sumdb-server/${NAME}/records/example.com/m${i}@v1.0.0`)) {
          residue++;
        }
      }
      assert.equal(found, n - previous, `round ${round}`);
      // The go command's algorithm accepts the new head after the old one (no fork) and the records.
      const env = { hosted: new HostedSumdb(log, new FakeSource()) };
      const client = new SumdbClient({
        name: NAME,
        verifier: key.verifier,
        transport: inProcessTransport(env, [], NAME),
        state: new StorageSumdbState(clientStorage, NAME),
        cache: new StorageSumdbCache(clientStorage, NAME),
      });
      const lines = await client.lookup(`example.com/m${start}`, 'v1.0.0');
      assert.equal(lines.length, 2);
      await client.lookup('example.com/after', `v1.0.${round}`);
      assert.equal(log.tree.n, n + 1);
      previous = n + 1;
      start = attempted;
      await storage.close();
    }
    t.diagnostic(`index files left past the head by killed appends: ${residue}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
