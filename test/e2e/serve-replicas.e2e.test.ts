import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ExpirationStatus,
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
} from '@aws-sdk/client-s3';
import { bigModuleZip } from '../support/big-zip.js';
import { describeOutcome, fetchOutcome } from '../support/fetch-outcome.js';
import { FixtureProxy, escapePath, type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { REPLICA_PREFIX, ReplicaSet } from '../support/replicas.js';

// Issue 12's multi-replica suite, the part that needs no Redis: three `modgate serve`
// processes on one bucket of a real S3 server (Ceph radosgw), through a TCP relay of the
// test's own between them and radosgw (test/support/tcp-proxy.ts), so the store can be taken
// away from these replicas without stopping the radosgw other test files share.
//
// - the real go command downloads through each replica and gets the same bytes and sums, the
//   second and third from what the first stored (one upstream fetch per file);
// - a replica kill -9-ed in the middle of a multipart upload leaves no object for that zip (at
//   most an incomplete multipart upload, which a bucket lifecycle rule removes), and the next
//   request through another replica stores it whole;
// - with the store cut away, /readyz turns false on every replica, hot answers are served from
//   memory, the rest is 503, and nothing is written half; back, the replicas are ready again.

const MIB = 1024 * 1024;

const MODULES: FixtureModule[] = [
  {
    path: 'example.com/hello',
    version: 'v1.0.0',
    files: { 'hello.go': 'package hello\n\nconst V = "1.0.0"\n' },
  },
  {
    path: 'example.com/Upper/Case',
    version: 'v0.3.0',
    files: { 'case.go': 'package Case\n\nconst Name = "upper"\n' },
  },
  { path: 'example.com/big', version: 'v1.0.0' },
  { path: 'example.com/killed', version: 'v1.0.0' },
  { path: 'example.com/outage', version: 'v1.0.0' },
];

const TARGETS = [
  'example.com/hello@v1.0.0',
  'example.com/Upper/Case@v0.3.0',
  'example.com/big@v1.0.0',
];

/** Tree paths (storage keys) of a module version's files. */
function filesOf(path: string, version: string): string[] {
  const base = `${escapePath(path)}/@v/${version}`;
  return [`${base}.info`, `${base}.mod`, `${base}.zip`];
}

interface DownloadJson {
  Path: string;
  Version: string;
  Sum?: string;
  GoModSum?: string;
  Zip?: string;
}

/** `go mod download -json` prints one JSON object after another. */
function parseJsonStream(text: string): DownloadJson[] {
  return text
    .split(/\n(?=\{)/)
    .filter((s) => s.trim() !== '')
    .map((s) => JSON.parse(s) as DownloadJson);
}

/** Polls `read` until `done` holds for its value, at most `timeoutMs`; returns the last value. */
async function eventually<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('three replicas on one S3 bucket (radosgw)', () => {
  let fixture: FixtureProxy;
  let set: ReplicaSet;
  let go: GoSandbox;

  before(async () => {
    fixture = await FixtureProxy.create(MODULES);
    // Zips over the 5MiB part size: multipart uploads.
    await fixture.writeRaw(
      'example.com/big/@v/v1.0.0.zip',
      await bigModuleZip('example.com/big', 'v1.0.0', 7 * MIB),
    );
    await fixture.writeRaw(
      'example.com/outage/@v/v1.0.0.zip',
      await bigModuleZip('example.com/outage', 'v1.0.0', 16 * MIB),
    );
    await fixture.writeRaw(
      'example.com/killed/@v/v1.0.0.zip',
      await bigModuleZip('example.com/killed', 'v1.0.0', 24 * MIB),
    );
    go = await GoSandbox.create();
    set = await ReplicaSet.start({ upstream: fixture.url });
  });
  after(async () => {
    await set?.close();
    await fixture?.close();
    await go?.cleanup();
  });

  /** Requests the fixture upstream had for `path` (as sent: `!` may come percent-encoded). */
  const upstreamFetches = (path: string): number =>
    fixture.requests.filter((r) => decodeURIComponent(r) === path).length;

  /** The fixture's copy of a tree path. */
  const fixtureFile = (rel: string): Promise<Buffer> => readFile(join(fixture.root, rel));

  /**
   * Every module file in the bucket (a key with `/@v/`) is byte for byte the fixture's:
   * nothing half, nothing else; the other keys are modgate's own records (the index feed's).
   * Returns the module files' keys.
   */
  async function assertBucketHoldsFixtureFiles(): Promise<string[]> {
    const all = await set.keys();
    const keys = all.filter((k) => k.includes('/@v/'));
    for (const other of all.filter((k) => !keys.includes(k))) {
      assert.match(other, /^index\//, `the bucket holds ${other}`);
    }
    for (const key of keys) {
      const want = await fixtureFile(key).catch(() => undefined);
      assert.ok(want !== undefined, `the bucket holds ${key}, which the fixture does not have`);
      const have = await set.object(key);
      assert.ok(have?.equals(want), `${key}: ${have?.length} bytes stored, ${want.length} wanted`);
    }
    return keys;
  }

  test('every replica is ready: /readyz probes the shared bucket', async () => {
    for (const r of set.replicas) {
      const res = await fetchOutcome(r.url, '/readyz');
      assert.equal(res.status, 200, describeOutcome(res));
    }
  });

  test('the go command gets the same bytes and sums through each replica, one upstream fetch per file', async () => {
    const args = ['mod', 'download', '-json', ...TARGETS];
    let first: { json: DownloadJson[]; zips: Buffer[] } | undefined;
    for (const [i, replica] of set.replicas.entries()) {
      await go.clearModCache();
      const res = await go.run(args, { proxy: replica.url });
      assert.equal(res.code, 0, `through replica ${i}: ${res.stderr}`);
      const json = parseJsonStream(res.stdout);
      assert.equal(json.length, TARGETS.length);
      const zips = await Promise.all(json.map((d) => readFile(d.Zip ?? '')));
      if (first === undefined) {
        first = { json, zips };
        for (const d of json) assert.ok(d.Sum?.startsWith('h1:'), JSON.stringify(d));
        // The next replicas find the files in the bucket: wait until all are stored.
        const want = TARGETS.flatMap((t) => {
          const [path = '', version = ''] = t.split('@');
          return filesOf(path, version);
        });
        const keys = await eventually(
          () => set.keys(),
          (k) => want.every((w) => k.includes(w)),
        );
        for (const w of want) assert.ok(keys.includes(w), `${w} stored after the first download`);
        continue;
      }
      for (const [n, d] of json.entries()) {
        assert.equal(d.Sum, first.json[n]?.Sum, `${d.Path} sum through replica ${i}`);
        assert.equal(d.GoModSum, first.json[n]?.GoModSum, `${d.Path} go.mod sum via ${i}`);
        assert.ok(zips[n]?.equals(first.zips[n] ?? Buffer.alloc(0)), `${d.Path} zip via ${i}`);
      }
    }
    for (const t of TARGETS) {
      const [path = '', version = ''] = t.split('@');
      const zip = `/${escapePath(path)}/@v/${version}.zip`;
      assert.equal(upstreamFetches(zip), 1, `${zip}: one upstream fetch in all`);
    }
    await assertBucketHoldsFixtureFiles();
    assert.deepEqual(await set.pendingUploads(), [], 'no multipart upload left open');
  });

  test('a replica kill -9-ed mid multipart upload leaves no object; another replica stores it whole', async () => {
    const [zipKey = ''] = filesOf('example.com/killed', 'v1.0.0').slice(2);
    const victim = set.replicas[0];
    assert.ok(victim);
    // Slow the relay's uploads down so the 24 MiB upload (5 MiB parts) is in progress for a
    // few seconds, then kill the replica once a part is through and the upload is pending.
    set.store.uploadBytesPerSecond = 4 * MIB;
    const download = fetchOutcome(victim.url, `/${zipKey}`, { timeoutMs: 120_000 });
    const sentBefore = set.store.uploadedBytes;
    try {
      const pending = await eventually(
        () => set.pendingUploads(),
        (p) => p.includes(zipKey) && set.store.uploadedBytes - sentBefore > 6 * MIB,
        120_000,
      );
      assert.ok(pending.includes(zipKey), `no multipart upload began: ${victim.output()}`);
      assert.ok(victim.alive(), `modgate ${victim.describeExit()}: ${victim.output()}`);
      await victim.kill9();
    } finally {
      set.store.uploadBytesPerSecond = 0;
    }
    await download;
    assert.equal(await set.exists(zipKey), false, 'no object for the zip whose upload was killed');
    assert.deepEqual(
      await set.pendingUploads(),
      [zipKey],
      'the killed upload is left incomplete (invisible), for the lifecycle rule',
    );
    // The rule docs/deployment.md tells operators to add for such leftovers is one the store
    // takes (radosgw stores lifecycle rules; the test server never runs them).
    const rule = {
      ID: 'abort-incomplete-uploads',
      Status: ExpirationStatus.Enabled,
      Filter: { Prefix: REPLICA_PREFIX },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    };
    await set.client.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: set.bucket,
        LifecycleConfiguration: { Rules: [rule] },
      }),
    );
    const rules = await set.client.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: set.bucket }),
    );
    assert.deepEqual(rules.Rules?.[0]?.AbortIncompleteMultipartUpload, { DaysAfterInitiation: 1 });

    const next = set.replicas[1];
    assert.ok(next);
    const res = await fetchOutcome(next.url, `/${zipKey}`, { timeoutMs: 120_000 });
    assert.equal(res.status, 200, describeOutcome(res));
    assert.ok(res.complete, describeOutcome(res));
    const want = await fixtureFile(zipKey);
    assert.ok(res.body.equals(want), 'the zip through the next replica');
    const stored = await eventually(
      () => set.object(zipKey),
      (b) => b !== undefined,
    );
    assert.ok(stored?.equals(want), `stored whole: ${stored?.length} of ${want.length} bytes`);
    assert.equal(upstreamFetches(`/${zipKey}`), 2, 'fetched again once, then stored');
    await set.replace(0);
    await assertBucketHoldsFixtureFiles();
  });

  test('with the store cut away: /readyz false, hot answers from memory, the rest 503, nothing written half', async () => {
    // Replica 1 answered hello's files to the go command above; replica 0 is the fresh one
    // that replaced the killed replica and has answered nothing yet.
    const [cold, hot, third] = set.replicas;
    assert.ok(hot && cold && third);
    const [helloInfo = '', helloMod = ''] = filesOf('example.com/hello', 'v1.0.0');
    const outageFiles = filesOf('example.com/outage', 'v1.0.0');
    const [outageInfo = '', outageMod = '', outageZip = ''] = outageFiles;
    for (const rel of [helloInfo, helloMod]) {
      const res = await fetchOutcome(hot.url, `/${rel}`);
      assert.equal(res.status, 200, describeOutcome(res));
    }

    // The store goes away in the middle of a multipart upload (slowed down, as above).
    set.store.uploadBytesPerSecond = 4 * MIB;
    const sentBefore = set.store.uploadedBytes;
    const download = fetchOutcome(hot.url, `/${outageZip}`, { timeoutMs: 120_000 });
    try {
      const pending = await eventually(
        () => set.pendingUploads(),
        (p) => p.includes(outageZip) && set.store.uploadedBytes - sentBefore > 6 * MIB,
        120_000,
      );
      assert.ok(pending.includes(outageZip), `no multipart upload began: ${hot.output()}`);
      set.store.cut();
    } finally {
      set.store.uploadBytesPerSecond = 0;
    }
    try {
      await download;
      for (const [i, r] of set.replicas.entries()) {
        const ready = await eventually(
          () => fetchOutcome(r.url, '/readyz'),
          (res) => res.status === 503,
        );
        assert.equal(ready.status, 503, `replica ${i} /readyz: ${describeOutcome(ready)}`);
      }
      // Hot immutable answers are served from memory, as documented (docs/deployment.md).
      for (const rel of [helloInfo, helloMod]) {
        const res = await fetchOutcome(hot.url, `/${rel}`);
        assert.equal(res.status, 200, `hot ${rel}: ${describeOutcome(res)}`);
        assert.ok(res.body.equals(await fixtureFile(rel)));
      }
      // Anything else needs the store: 503 (try the next GOPROXY entry with `|`), no upstream
      // fetch that could not be stored.
      const fetchesBefore = fixture.requests.length;
      for (const rel of [outageInfo, outageMod, outageZip, helloInfo]) {
        const res = await fetchOutcome(cold.url, `/${rel}`);
        assert.equal(res.status, 503, `cold ${rel}: ${describeOutcome(res)}`);
        assert.match(res.body.toString(), /s3 storage/);
      }
      assert.equal(fixture.requests.length, fetchesBefore, 'no upstream fetch for a 503');
      for (const r of set.replicas) await r.assertAlive('with the store cut away');
    } finally {
      set.store.restore();
    }

    for (const [i, r] of set.replicas.entries()) {
      const ready = await eventually(
        () => fetchOutcome(r.url, '/readyz'),
        (res) => res.status === 200,
      );
      assert.equal(ready.status, 200, `replica ${i} /readyz after: ${describeOutcome(ready)}`);
    }
    // Nothing written half: the upload cut off never became an object.
    await assertBucketHoldsFixtureFiles();
    assert.equal(await set.exists(outageZip), false, 'the cut upload left no object');
    for (const rel of outageFiles) {
      const res = await fetchOutcome(third.url, `/${rel}`, { timeoutMs: 120_000 });
      assert.equal(res.status, 200, `${rel} once the store is back: ${describeOutcome(res)}`);
      assert.ok(res.body.equals(await fixtureFile(rel)), rel);
    }
    const keys = await eventually(
      () => set.keys(),
      (k) => outageFiles.every((f) => k.includes(f)),
    );
    for (const f of outageFiles) assert.ok(keys.includes(f), `${f} stored once the store is back`);
    await assertBucketHoldsFixtureFiles();
  });
});
