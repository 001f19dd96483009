import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { bigModuleZip } from '../support/big-zip.js';
import { FaultUpstream } from '../support/fault-upstream.js';
import { describeOutcome, fetchOutcome, type FetchOutcome } from '../support/fetch-outcome.js';
import { FixtureProxy, type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { ModgateProcess } from '../support/modgate-process.js';
import { assertStoredAsFixture, waitForStored } from '../support/stored-files.js';

// Close-delimited zips (no Content-Length, `Connection: close`: the body ends when the upstream
// closes the connection), 50 tries on one modgate child process: complete ones must be served
// and stored byte for byte; truncated ones (indistinguishable on the wire from complete ones,
// only the zip's missing end tells) must give the client an error and store nothing; modgate
// must never crash. To keep the run short, 47 tries are small to medium (1 KiB to 12 MiB,
// four at a time) and 3 are ~105 MiB (two complete, one truncated, one at a time). Then 3 zips
// with a Content-Length whose connection closes right after them, and the go command on two
// more close-delimited ones.

const MODULE = 'example.com/closedelimited/m';
const MIB = 1024 * 1024;
const SMALL_SIZES = [1024, 200 * 1024, 900 * 1024, 3 * MIB, 12 * MIB];
const BIG_SIZE = 105 * MIB - 64 * 1024;

interface Try {
  version: string;
  size: number;
  /** Bytes of the zip sent before the upstream closes; undefined: all of them. */
  keepBytes?: number;
}

const TRIES: Try[] = [];
for (let i = 0; i < 47; i++) {
  const size = SMALL_SIZES[i % SMALL_SIZES.length]!;
  // Every third try is cut: somewhere in its second half, or just its last byte.
  const cut = i % 3 === 2 ? (i % 2 === 0 ? 1 : Math.floor(size / 3)) : undefined;
  TRIES.push({ version: `v1.0.${i}`, size, ...(cut === undefined ? {} : { keepBytes: -cut }) });
}
TRIES.push({ version: 'v1.1.0', size: BIG_SIZE });
TRIES.push({ version: 'v1.1.1', size: BIG_SIZE, keepBytes: -(7 * MIB + 123) });
TRIES.push({ version: 'v1.1.2', size: BIG_SIZE });

// Zips sent whole with their Content-Length, the connection closed right after the last byte
// (`Connection: close`, as from a server without keep-alive): served and stored.
const THEN_CLOSE: Try[] = [3 * MIB, 12 * MIB, 40 * MIB].map((size, i) => ({
  version: `v1.3.${i}`,
  size,
}));

// Two more for the go command (not in the 50): one whole, one missing its last byte.
const GO_WHOLE: Try = { version: 'v1.2.0', size: 200 * 1024 };
const GO_CUT: Try = { version: 'v1.2.1', size: 200 * 1024, keepBytes: -1 };

const zipFile = (version: string): string => `${MODULE}/@v/${version}.zip`;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('fault injection: close-delimited zips, 50 tries', () => {
  let fixture: FixtureProxy;
  let upstream: FaultUpstream;
  let modgate: ModgateProcess;
  const wanted = new Map<string, { sha: string; length: number }>();

  before(async () => {
    const all = [...TRIES, GO_WHOLE, GO_CUT, ...THEN_CLOSE];
    fixture = await FixtureProxy.create(
      all.map((t): FixtureModule => ({ path: MODULE, version: t.version })),
    );
    upstream = await FaultUpstream.start(fixture.root);
    for (const t of all) {
      const zip = await bigModuleZip(MODULE, t.version, t.size);
      await fixture.writeRaw(zipFile(t.version), zip);
      wanted.set(t.version, { sha: sha(zip), length: zip.length });
      const keepBytes = t.keepBytes === undefined ? undefined : zip.length + t.keepBytes;
      upstream.set(
        zipFile(t.version),
        THEN_CLOSE.includes(t)
          ? { kind: 'then-close' }
          : { kind: 'close-delimited', ...(keepBytes === undefined ? {} : { keepBytes }) },
      );
    }
    modgate = await ModgateProcess.start({ upstream: upstream.url });
  });
  after(async () => {
    await modgate?.stop();
    await upstream?.close();
    await fixture?.close();
  });

  async function attempt(t: Try): Promise<void> {
    const res = await fetchOutcome(modgate.url, `/${zipFile(t.version)}`, { timeoutMs: 120_000 });
    const want = wanted.get(t.version)!;
    if (t.keepBytes === undefined) {
      assert.equal(res.status, 200, `${t.version}: ${describeOutcome(res)}`);
      assert.ok(res.complete, `${t.version}: ${describeOutcome(res)}`);
      assert.equal(res.body.length, want.length, `${t.version}: length`);
      assert.equal(sha(res.body), want.sha, `${t.version}: the zip's bytes`);
    } else {
      assertFailed(t, res);
    }
    assert.ok(modgate.alive(), `modgate ${modgate.describeExit()} after ${t.version}`);
  }

  test('every try: complete zips served whole, cut ones an error; no crash', async () => {
    const small = TRIES.filter((t) => t.size < BIG_SIZE);
    for (let i = 0; i < small.length; i += 4) {
      await Promise.all(small.slice(i, i + 4).map(attempt));
    }
    for (const t of TRIES.filter((t) => t.size >= BIG_SIZE)) await attempt(t);
    await modgate.assertAlive('after 50 close-delimited zips');
    const refused = TRIES.filter((t) => t.keepBytes !== undefined).map((t) => zipFile(t.version));
    await waitForStored(
      modgate.dataDir,
      TRIES.filter((t) => t.keepBytes === undefined).map((t) => zipFile(t.version)),
    );
    const stored = await assertStoredAsFixture(modgate.dataDir, fixture.root, refused);
    for (const t of TRIES.filter((t) => t.keepBytes === undefined)) {
      assert.ok(stored.includes(zipFile(t.version)), `${t.version} stored`);
    }
  });

  test('zips with a Content-Length, the connection closed after them: served and stored', async () => {
    for (const t of THEN_CLOSE) await attempt(t);
    await modgate.assertAlive('after the zips followed by a close');
    await waitForStored(
      modgate.dataDir,
      THEN_CLOSE.map((t) => zipFile(t.version)),
    );
    const stored = await assertStoredAsFixture(modgate.dataDir, fixture.root);
    for (const t of THEN_CLOSE) assert.ok(stored.includes(zipFile(t.version)), `${t.version}`);
  });

  test('the go command: a complete close-delimited zip downloads, a cut one fails', async () => {
    const go = await GoSandbox.create();
    try {
      const ok = await go.run(['mod', 'download', '-json', `${MODULE}@${GO_WHOLE.version}`], {
        proxy: modgate.url,
      });
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      const zip = (JSON.parse(ok.stdout) as { Zip: string }).Zip;
      assert.equal(sha(await readFile(zip)), wanted.get(GO_WHOLE.version)?.sha);
      const bad = await go.run(['mod', 'download', '-json', `${MODULE}@${GO_CUT.version}`], {
        proxy: modgate.url,
      });
      assert.notEqual(bad.code, 0, bad.stdout);
      assert.match(bad.stdout + bad.stderr, /502 Bad Gateway/);
      await modgate.assertAlive('after the go command');
      await assertStoredAsFixture(modgate.dataDir, fixture.root, [zipFile(GO_CUT.version)]);
    } finally {
      await go.cleanup();
    }
  });
});

/** A cut zip: a 502 with a reason, or (past the 1 MiB holdback) a cut connection; never whole. */
function assertFailed(t: Try, res: FetchOutcome): void {
  const what = `${t.version} (${t.size} bytes, cut): ${describeOutcome(res)}`;
  if (res.status === 502) {
    assert.match(res.body.toString(), /zip/i, what);
    return;
  }
  assert.equal(res.status, 200, what);
  assert.ok(t.size > MIB, `a zip within the holdback gets a 502: ${what}`);
  assert.ok(!res.complete, what);
}
