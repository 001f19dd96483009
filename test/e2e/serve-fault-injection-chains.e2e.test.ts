import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bigModuleZip } from '../support/big-zip.js';
import { FaultUpstream, type Fault } from '../support/fault-upstream.js';
import { FixtureProxy, type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox, type GoResult } from '../support/go-sandbox.js';
import { ModgateProcess } from '../support/modgate-process.js';
import { assertStoredAsFixture, waitForStored } from '../support/stored-files.js';

// The real go command through modgate with a misbehaving upstream `bad` first and a good one
// (the fixture tree's own server) second: `bad|good` must hide every fault of `bad` (the go
// command succeeds and modgate stores the good bytes); `bad,good` falls through on 404 only and
// otherwise reports the fault (502, or 504 for a deadline) — which is also what the go command
// sees with `bad` alone, since a `,` chain stops at its first entry's failure.

const V = 'v1.0.0';
const modPath = (name: string): string => `example.com/chain/${name}`;
const versionOf = (name: string): string => (name.endsWith('/v2') ? 'v2.0.0' : V);
const fileOf = (name: string, ext: string): string =>
  `${modPath(name)}/@v/${versionOf(name)}.${ext}`;
const HTML = '<!DOCTYPE html>\n<html><body><h1>Please sign in</h1></body></html>\n';

interface ChainCase {
  name: string;
  /** The faulted file, or `all` for every path of the module. */
  ext: 'info' | 'mod' | 'zip' | 'all';
  fault: Fault;
  /**
   * What `bad,good` gives the go command: success (404 falls through), this status, or (a zip
   * already streaming to it) a cut download.
   */
  comma: 'ok' | '502 Bad Gateway' | '504 Gateway Timeout' | 'cut';
}

const CASES: ChainCase[] = [
  {
    name: 'not-found',
    ext: 'all',
    fault: { kind: 'status', status: 404, body: 'no such module' },
    comma: 'ok',
  },
  { name: 'gone', ext: 'all', fault: { kind: 'status', status: 410, body: 'gone' }, comma: 'ok' },
  {
    name: 'status-503',
    ext: 'info',
    fault: { kind: 'status', status: 503, body: 'overloaded' },
    comma: '502 Bad Gateway',
  },
  {
    name: 'status-500-zip',
    ext: 'zip',
    fault: { kind: 'status', status: 500 },
    comma: '502 Bad Gateway',
  },
  { name: 'reset-mod', ext: 'mod', fault: { kind: 'reset' }, comma: '502 Bad Gateway' },
  {
    name: 'reset-zip',
    ext: 'zip',
    fault: { kind: 'reset' },
    comma: '502 Bad Gateway',
  },
  {
    name: 'short-zip',
    ext: 'zip',
    fault: { kind: 'short' },
    comma: '502 Bad Gateway',
  },
  { name: 'truncated-zip', ext: 'zip', fault: { kind: 'truncated' }, comma: '502 Bad Gateway' },
  {
    name: 'close-delimited-cut-zip',
    ext: 'zip',
    fault: { kind: 'close-delimited', keepBytes: 100 },
    comma: '502 Bad Gateway',
  },
  { name: 'tamper-zip', ext: 'zip', fault: { kind: 'tamper' }, comma: '502 Bad Gateway' },
  // 4 MiB zips: the client is being sent the first bytes (all but the last 1 MiB) when the fault
  // shows; with `|` the good upstream's bytes continue the same download.
  {
    name: 'reset-big-zip',
    ext: 'zip',
    fault: { kind: 'reset', afterBytes: 5 << 19 },
    comma: 'cut',
  },
  { name: 'tamper-big-zip', ext: 'zip', fault: { kind: 'tamper', at: -(256 << 10) }, comma: 'cut' },
  {
    name: 'html-mod',
    ext: 'mod',
    fault: { kind: 'replace', body: HTML, contentType: 'text/html' },
    comma: '502 Bad Gateway',
  },
  {
    name: 'html-info',
    ext: 'info',
    fault: { kind: 'replace', body: HTML, contentType: 'text/html' },
    comma: '502 Bad Gateway',
  },
  {
    name: 'not-a-go-mod',
    ext: 'mod',
    fault: { kind: 'replace', body: 'hello, world\n' },
    comma: '502 Bad Gateway',
  },
  {
    name: 'major-mismatch/v2',
    ext: 'mod',
    fault: { kind: 'replace', body: `module ${modPath('major-mismatch')}\n` },
    comma: '502 Bad Gateway',
  },
  {
    name: 'info-other-version',
    ext: 'info',
    fault: { kind: 'replace', body: '{"Version":"v1.9.9","Time":"2024-01-02T03:04:05Z"}' },
    comma: '502 Bad Gateway',
  },
  {
    name: 'oversized-mod',
    ext: 'mod',
    fault: {
      kind: 'replace',
      body: `module ${modPath('oversized-mod')}\n` + '// pad\n'.repeat(1000),
    },
    comma: '502 Bad Gateway',
  },
  {
    name: 'echo-401',
    ext: 'all',
    fault: { kind: 'echo-headers', status: 401 },
    comma: '502 Bad Gateway',
  },
  {
    name: 'redirect-loop',
    ext: 'info',
    fault: { kind: 'redirect', location: `/${fileOf('redirect-loop', 'info')}` },
    comma: '502 Bad Gateway',
  },
  // Deadlines (metadata 2 s, zip 3 s): `|` moves on when they run out.
  {
    name: 'no-answer-info',
    ext: 'info',
    fault: { kind: 'no-answer' },
    comma: '504 Gateway Timeout',
  },
  {
    name: 'stall-mod',
    ext: 'mod',
    fault: { kind: 'stall-after-headers' },
    comma: '504 Gateway Timeout',
  },
  {
    name: 'slow-headers-info',
    ext: 'info',
    fault: { kind: 'slow-headers', intervalMs: 100 },
    comma: '504 Gateway Timeout',
  },
  {
    name: 'trickle-zip',
    ext: 'zip',
    fault: { kind: 'trickle', chunkBytes: 64, intervalMs: 100 },
    comma: '504 Gateway Timeout',
  },
];

const BIG_ZIP_SIZES: Record<string, number> = {
  'trickle-zip': 64 << 10,
  'reset-big-zip': 4 << 20,
  'tamper-big-zip': 4 << 20,
};

describe('fault injection: bad|good and bad,good with the go command', { concurrency: 6 }, () => {
  let fixture: FixtureProxy;
  let bad: FaultUpstream;
  let piped: ModgateProcess;
  let comma: ModgateProcess;
  // One sandbox per chain: a module the first one downloaded is in its module cache.
  let goPiped: GoSandbox;
  let goComma: GoSandbox;

  before(async () => {
    fixture = await FixtureProxy.create(
      CASES.map((c): FixtureModule => ({
        path: modPath(c.name),
        version: versionOf(c.name),
        files: { 'a.go': `package a\n\nconst Name = "${c.name}"\n` },
      })),
    );
    for (const c of CASES) {
      const size = BIG_ZIP_SIZES[c.name];
      if (size === undefined) continue;
      await fixture.writeRaw(fileOf(c.name, 'zip'), await bigModuleZip(modPath(c.name), V, size));
    }
    bad = await FaultUpstream.start(fixture.root);
    for (const c of CASES) {
      bad.set(
        c.ext === 'all' ? new RegExp(`^${modPath(c.name)}/`) : fileOf(c.name, c.ext),
        c.fault,
      );
    }
    const settings = {
      upstream_http: { metadata_timeout: '2s', zip_timeout: '3s' },
      limits: { max_mod_size: '4KiB' },
    };
    [piped, comma, goPiped, goComma] = await Promise.all([
      ModgateProcess.start({ upstream: `${bad.url}|${fixture.url}`, settings }),
      ModgateProcess.start({ upstream: `${bad.url},${fixture.url}`, settings }),
      GoSandbox.create(),
      GoSandbox.create(),
    ]);
  });
  after(async () => {
    await Promise.all([piped?.stop(), comma?.stop(), goPiped?.cleanup(), goComma?.cleanup()]);
    await bad?.close();
    await fixture?.close();
  });

  const download = (go: GoSandbox, proxy: string, name: string): Promise<GoResult> =>
    go.run(['mod', 'download', '-json', `${modPath(name)}@${versionOf(name)}`], { proxy });

  for (const c of CASES) {
    const what = c.ext === 'all' ? 'every file' : `.${c.ext}`;
    test(`bad|good, ${c.name} on ${what}: go mod download succeeds, good bytes stored`, async () => {
      const faulted = c.ext === 'all' ? `${modPath(c.name)}/@v/` : fileOf(c.name, c.ext);
      const asked = bad.requestsFor(faulted).length;
      const r = await download(goPiped, piped.url, c.name);
      assert.ok(bad.requestsFor(faulted).length > asked, 'the fault was met');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const info = JSON.parse(r.stdout) as { Version?: string; Error?: string; Zip?: string };
      assert.equal(info.Error, undefined);
      assert.equal(info.Version, versionOf(c.name));
      await piped.assertAlive(`after ${c.name}`);
      await waitForStored(
        piped.dataDir,
        ['info', 'mod', 'zip'].map((ext) => fileOf(c.name, ext)),
      );
      const stored = await assertStoredAsFixture(piped.dataDir, fixture.root);
      for (const ext of ['info', 'mod', 'zip']) {
        assert.ok(stored.includes(fileOf(c.name, ext)), `${fileOf(c.name, ext)} stored`);
      }
    });

    const expect =
      c.comma === 'ok' ? 'falls through' : c.comma === 'cut' ? 'cut off' : c.comma.slice(0, 3);
    test(`bad,good, ${c.name} on ${what}: ${expect}`, async () => {
      const r = await download(goComma, comma.url, c.name);
      await comma.assertAlive(`after ${c.name}`);
      if (c.comma === 'ok') {
        assert.equal(r.code, 0, r.stdout + r.stderr);
        await assertStoredAsFixture(comma.dataDir, fixture.root);
        return;
      }
      assert.notEqual(r.code, 0, r.stdout);
      if (c.comma !== 'cut') {
        assert.ok((r.stdout + r.stderr).includes(c.comma), r.stdout + r.stderr);
      }
      const refused = c.ext === 'all' ? ['info', 'mod', 'zip'] : [c.ext];
      await assertStoredAsFixture(
        comma.dataDir,
        fixture.root,
        refused.map((ext) => fileOf(c.name, ext)),
      );
    });
  }
});
