import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { bigModuleZip } from '../support/big-zip.js';
import { FaultUpstream } from '../support/fault-upstream.js';
import { describeOutcome, fetchOutcome } from '../support/fetch-outcome.js';
import { FixtureProxy, type FixtureModule } from '../support/fixture-proxy.js';
import { ModgateProcess } from '../support/modgate-process.js';
import { assertStoredAsFixture } from '../support/stored-files.js';

// kill -9 in the middle of downloads, three times on one data directory: whatever a killed
// modgate left, the directory (outside modgate's dot-directories) holds only whole, good files,
// a replica running beside it on the same directory and a restarted modgate serve every module
// correctly, and the spool and staging files of the killed processes go once they are stale.
//
// Each round has its own versions (fresh misses): 4 zips of 16-40 MiB, each asked for by two
// clients at once (8 downloads, coalesced into 4 upstream fetches), streamed by the upstream at
// a set pace; modgate is killed when the upstream has sent a set share of the round's bytes
// (20%, 50%, 80%: at 80% the small zips are being verified or committed or are done while the
// big ones are still downloading).

const MIB = 1024 * 1024;
const SIZES = [16 * MIB, 24 * MIB, 32 * MIB, 40 * MIB];
const ROUNDS = [
  { pace: 6 * MIB, killAt: 0.2 },
  { pace: 12 * MIB, killAt: 0.5 },
  { pace: 24 * MIB, killAt: 0.8 },
];
const modPath = (i: number): string => `example.com/kill/z${i}`;
const versionOf = (round: number): string => `v1.0.${round}`;
const file = (i: number, round: number, ext: string): string =>
  `${modPath(i)}/@v/${versionOf(round)}.${ext}`;

describe('kill -9 mid-download, restart on the same data directory', () => {
  let fixture: FixtureProxy;
  let upstream: FaultUpstream;
  let dataDir: string;
  const killedPids: number[] = [];

  before(async () => {
    const modules: FixtureModule[] = [];
    for (let r = 0; r < ROUNDS.length; r++) {
      SIZES.forEach((_, i) => modules.push({ path: modPath(i), version: versionOf(r) }));
    }
    fixture = await FixtureProxy.create(modules);
    for (let r = 0; r < ROUNDS.length; r++) {
      for (const [i, size] of SIZES.entries()) {
        await fixture.writeRaw(
          file(i, r, 'zip'),
          await bigModuleZip(modPath(i), versionOf(r), size),
        );
      }
    }
    upstream = await FaultUpstream.start(fixture.root);
    dataDir = await mkdtemp(join(tmpdir(), 'modgate-kill9-'));
  });
  after(async () => {
    await upstream?.close();
    await fixture?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  for (const [r, round] of ROUNDS.entries()) {
    test(`round ${r + 1}: killed at ${round.killAt * 100}% of the bytes, a replica beside it and the restart serve good files only`, async () => {
      upstream.zipBytesPerSecond = round.pace;
      // A replica beside the victim on the same data directory, running through the kill.
      const peer = await ModgateProcess.start({ upstream: upstream.url, dataDir });
      const victim = await ModgateProcess.start({ upstream: upstream.url, dataDir });
      const total = SIZES.reduce((a, b) => a + b, 0);
      const sentBefore = upstream.bodyBytesSent;
      const downloads = [...SIZES.keys(), ...SIZES.keys()].map((i) =>
        fetchOutcome(victim.url, `/${file(i, r, 'zip')}`, { timeoutMs: 60_000 }),
      );
      try {
        const deadline = Date.now() + 30_000;
        while (upstream.bodyBytesSent - sentBefore < total * round.killAt) {
          assert.ok(Date.now() < deadline, `the downloads did not progress: ${victim.output()}`);
          assert.ok(victim.alive(), `modgate ${victim.describeExit()}: ${victim.output()}`);
          await sleep(20);
        }
      } finally {
        await victim.kill9();
        killedPids.push(victim.pid);
        await victim.stop(); // removes only its config: the data directory was given
      }
      const outcomes = await Promise.all(downloads);
      assert.ok(
        outcomes.some((o) => !o.complete),
        'the kill landed mid-download (some client was cut off)',
      );
      // A client may have got a whole zip before the kill: then it must be the right one.
      for (const [n, res] of outcomes.entries()) {
        if (!res.complete) continue;
        const want = await readFile(join(fixture.root, file(n % SIZES.length, r, 'zip')));
        assert.ok(res.body.equals(want), `a complete download differs: ${describeOutcome(res)}`);
      }

      upstream.zipBytesPerSecond = 0;
      // The replica that lived through the kill is not confused by what the victim left: it
      // serves every zip of the round whole (fetching what was not stored), stores only good
      // files, and the victim's scratch directories are still there for the sweep below.
      try {
        await peer.assertAlive(`after the kill in round ${r + 1}`);
        for (let i = 0; i < SIZES.length; i++) {
          const res = await fetchOutcome(peer.url, `/${file(i, r, 'zip')}`);
          assert.equal(res.status, 200, describeOutcome(res));
          const want = await readFile(join(fixture.root, file(i, r, 'zip')));
          assert.ok(res.complete && res.body.equals(want), `peer: ${file(i, r, 'zip')} differs`);
        }
      } finally {
        await peer.stop();
      }
      await assertStoredAsFixture(dataDir, fixture.root);
      const restarted = await ModgateProcess.start({ upstream: upstream.url, dataDir });
      try {
        await assertStoredAsFixture(dataDir, fixture.root);
        for (let i = 0; i < SIZES.length; i++) {
          for (const ext of ['info', 'mod', 'zip']) {
            const res = await fetchOutcome(restarted.url, `/${file(i, r, ext)}`);
            assert.equal(res.status, 200, describeOutcome(res));
            assert.ok(res.complete, describeOutcome(res));
            const want = await readFile(join(fixture.root, file(i, r, ext)));
            assert.ok(res.body.equals(want), `${file(i, r, ext)} differs`);
          }
        }
        await restarted.assertAlive(`after round ${r + 1}`);
      } finally {
        await restarted.stop();
      }
      // Verified files are stored behind their answers; a graceful stop waits for those
      // stores, so everything answered is in the data directory now.
      const stored = await assertStoredAsFixture(dataDir, fixture.root);
      for (let i = 0; i < SIZES.length; i++) assert.ok(stored.includes(file(i, r, 'zip')));
    });
  }

  test("the killed processes' spool and staging leftovers are removed once stale", async () => {
    // A killed process's directories stay until its heartbeat is 10 minutes older than a live
    // process's (src/storage/disk/instance-dir.ts); age them instead of waiting.
    const old = new Date(Date.now() - 60 * 60_000);
    const killed = (entries: string[]): string[] =>
      entries.filter((e) => killedPids.some((pid) => e.includes(`-${pid}-`)));
    const spooled = killed(await readdir(join(dataDir, '.spool')));
    assert.equal(spooled.length, ROUNDS.length, 'each killed process left its spool directory');
    for (const parent of ['.spool', '.staging']) {
      for (const entry of await readdir(join(dataDir, parent))) {
        const dir = join(dataDir, parent, entry);
        await utimes(join(dir, '.heartbeat'), old, old).catch(() => undefined);
        await utimes(dir, old, old);
      }
    }
    const fresh = await ModgateProcess.start({ upstream: upstream.url, dataDir });
    try {
      for (const parent of ['.spool', '.staging']) {
        const entries = await readdir(join(dataDir, parent));
        assert.deepEqual(killed(entries), [], `${parent}: the killed processes' directories`);
        assert.deepEqual(
          entries.filter((e) => !e.includes(`-${fresh.pid}-`)),
          [],
          `${parent}: only the running process's own directory is left`,
        );
      }
      await fresh.assertAlive('after the sweep');
    } finally {
      await fresh.stop();
    }
  });
});
