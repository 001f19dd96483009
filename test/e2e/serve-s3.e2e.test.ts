import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { STORE_TIME_PREFIX } from '../../src/service/store-time-log.js';
import { FixtureProxy, type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { listFiles } from '../support/list-files.js';
import { ModgateProcess } from '../support/modgate-process.js';
import {
  adminClient,
  createTestBucket,
  deleteTestBucket,
  rawKeys,
  s3Service,
  type S3Service,
} from '../storage/s3-service.js';

// `modgate serve` with storage.backend s3 on a real S3 server (Ceph radosgw, s3-up), beside
// one on disk, both in front of the same fixture upstream: the real go command gets the same
// bytes and sums through both, and the bucket holds exactly the disk data directory's GOPROXY
// tree under the prefix. The big module's zip is larger than the 5MiB part size (multipart).

const PREFIX = 'goproxy/';

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
  {
    path: 'example.com/big',
    version: 'v1.0.0',
    files: { 'big.go': 'package big\n', 'blob.bin': randomBytes(6 << 20) },
  },
];

const TARGETS = [
  'example.com/hello@v1.0.0',
  'example.com/Upper/Case@v0.3.0',
  'example.com/big@v1.0.0',
];

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

/** Polls `read` until `done` holds for its value (stored files land just after the answers). */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('modgate serve on S3 (radosgw) with the real go command', () => {
  let service: S3Service;
  let client: S3Client;
  let bucket: string;
  let fixture: FixtureProxy;
  let go: GoSandbox;
  let onS3: ModgateProcess;
  let onDisk: ModgateProcess;

  before(async () => {
    service = await s3Service();
    client = adminClient(service);
    bucket = await createTestBucket(client);
    fixture = await FixtureProxy.create(MODULES);
    go = await GoSandbox.create();
    onS3 = await ModgateProcess.start({
      upstream: fixture.url,
      settings: {
        storage: {
          backend: 's3',
          s3: {
            bucket,
            prefix: PREFIX,
            region: service.region,
            endpoint: service.endpoint,
            force_path_style: true,
            access_key_id: service.accessKeyId,
            secret_access_key: service.secretAccessKey,
            part_size: '5MiB',
          },
        },
      },
    });
    onDisk = await ModgateProcess.start({ upstream: fixture.url });
  });
  after(async () => {
    await onS3?.stop();
    await onDisk?.stop();
    await fixture?.close();
    await go?.cleanup();
    if (bucket !== undefined) await deleteTestBucket(client, bucket);
    client?.destroy();
  });

  test('is ready: /readyz probes the bucket', async () => {
    const res = await fetch(`${onS3.url}/readyz`);
    assert.equal(res.status, 200, await res.text());
  });

  test('go mod download gives the same sums and zip bytes on S3 as on disk, and the same stored tree', async () => {
    const args = ['mod', 'download', '-json', ...TARGETS];
    const viaS3 = await go.run(args, { proxy: onS3.url });
    assert.equal(viaS3.code, 0, viaS3.stderr);
    const s3Json = parseJsonStream(viaS3.stdout);
    const s3Zips = await Promise.all(s3Json.map((d) => readFile(d.Zip ?? '')));
    await go.clearModCache();
    const viaDisk = await go.run(args, { proxy: onDisk.url });
    assert.equal(viaDisk.code, 0, viaDisk.stderr);
    const diskJson = parseJsonStream(viaDisk.stdout);
    assert.equal(s3Json.length, TARGETS.length);
    for (const [i, d] of diskJson.entries()) {
      assert.ok(d.Sum?.startsWith('h1:'), JSON.stringify(d));
      assert.equal(s3Json[i]?.Sum, d.Sum);
      assert.equal(s3Json[i]?.GoModSum, d.GoModSum);
      assert.ok(s3Zips[i]?.equals(await readFile(d.Zip ?? '')), `${d.Path} zip bytes`);
    }

    // The bucket holds the disk data directory's tree, key for key, under the prefix; beside
    // it, each server's store-time record (index/<day>/<hour>/<writer>: named per process).
    const bigZip = 'example.com/big/@v/v1.0.0.zip';
    const isRecord = (k: string): boolean => k.startsWith(STORE_TIME_PREFIX);
    const allDiskFiles = await eventually(
      () => listFiles(onDisk.dataDir),
      (files) => files.includes(bigZip) && files.some(isRecord),
    );
    const diskFiles = allDiskFiles.filter((k) => !isRecord(k));
    const allS3Keys = await eventually(
      async () => (await rawKeys(client, bucket, PREFIX)).map((k) => k.slice(PREFIX.length)),
      (keys) => keys.some(isRecord) && keys.filter((k) => !isRecord(k)).length >= diskFiles.length,
    );
    const s3Keys = allS3Keys.filter((k) => !isRecord(k));
    assert.deepEqual([...s3Keys].sort(), diskFiles);
    assert.ok(allS3Keys.some(isRecord) && allDiskFiles.some(isRecord), 'store-time records');
    assert.ok(s3Keys.includes('example.com/!upper/!case/@v/v0.3.0.zip'));
    assert.ok(
      (await rawKeys(client, bucket, '')).every((k) => k.startsWith(PREFIX)),
      'nothing outside the prefix',
    );
    // The multipart zip, fetched again: now from the bucket, by range too.
    const whole = Buffer.from(await (await fetch(`${onS3.url}/${bigZip}`)).arrayBuffer());
    assert.ok(whole.equals(await readFile(join(onDisk.dataDir, bigZip))));
    const ranged = await fetch(`${onS3.url}/${bigZip}`, {
      headers: { range: `bytes=${(5 << 20) - 3}-${(5 << 20) + 2}` },
    });
    assert.equal(ranged.status, 206);
    assert.deepEqual(
      Buffer.from(await ranged.arrayBuffer()),
      whole.subarray((5 << 20) - 3, (5 << 20) + 3),
    );
    assert.equal(fixture.requestsFor('/example.com/big/@v/v1.0.0.zip').length, 2, 'one per server');
  });

  test('the secret key is never in the output', () => {
    assert.ok(!onS3.output().includes(service.secretAccessKey));
  });
});
