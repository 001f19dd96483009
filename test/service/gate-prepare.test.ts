import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Logger } from 'pino';
import { compilePolicy } from '../../src/policy/index.js';
import { Stash, type StashTarget } from '../../src/service/stash.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { SumdbChecksumGate } from '../../src/sumdb/verify/index.js';
import { hashGoMod } from '../../src/zip/index.js';

// Issue 9 item 6: the checksum database's lookup of a version starts while its `.mod` is being
// fetched (ChecksumGate.prepare), not after: on a cold proxy the two round trips overlap. The
// gate's own check still decides. Private paths and `sumdb.no_verify` paths are never looked up.

let spoolDir: string;
before(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'modgate-gate-prepare-'));
});
after(async () => {
  await rm(spoolDir, { recursive: true, force: true });
});

const quiet = { warn: () => undefined, debug: () => undefined } as unknown as Pick<
  Logger,
  'warn' | 'debug'
>;

const MOD = Buffer.from('module example.com/m\n');

/** A database client that records its lookups and answers the record of example.com/m. */
function client() {
  const asked: string[] = [];
  return {
    asked,
    name: 'sum.example',
    lookup(modulePath: string, version: string): Promise<string[]> {
      asked.push(`${modulePath}@${version}`);
      return Promise.resolve([`example.com/m v1.0.0/go.mod ${hashGoMod(MOD)}`]);
    },
  };
}

const target = (modulePath: string, isPrivate = false): StashTarget => ({
  modulePath,
  version: 'v1.0.0',
  key: `${modulePath}/@v/v1.0.0.mod`,
  private: isPrivate,
});

test("a .mod's lookup starts before its download has ended", async () => {
  const db = client();
  const gate = new SumdbChecksumGate({
    client: db,
    policy: compilePolicy({
      private: '',
      noVerify: 'example.com/skip',
      insecure: '',
      vcsPolicy: '',
    }),
    onUnreachable: 'refuse',
    logger: quiet,
  });
  const stash = new Stash(new MemoryStorage(), { spoolDir, checksumGates: [gate] });
  try {
    let askedDuringFetch: string[] = [];
    const body = await stash.mod(target('example.com/m'), () => {
      askedDuringFetch = [...db.asked];
      return Promise.resolve(MOD);
    });
    assert.ok(body.equals(MOD));
    assert.deepEqual(
      askedDuringFetch,
      ['example.com/m@v1.0.0/go.mod'],
      'looked up during the fetch',
    );
    // …and the check asked again (a real client shares and caches the one request).
    assert.deepEqual(db.asked, ['example.com/m@v1.0.0/go.mod', 'example.com/m@v1.0.0/go.mod']);

    db.asked.length = 0;
    await stash.mod(target('example.com/private', true), () => Promise.resolve(MOD));
    await stash.mod(target('example.com/skip'), () => Promise.resolve(MOD));
    assert.deepEqual(db.asked, [], 'private and no_verify paths are never looked up');
    await stash.settle();
  } finally {
    stash.close();
  }
});
