import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { ModgateError } from '../../src/errors/index.js';
import { S3Storage } from '../../src/storage/s3/s3-storage.js';
import { runStorageCompliance } from './compliance.js';
import {
  adminClient,
  createTestBucket,
  deleteTestBucket,
  emptyPrefix,
  pendingUploads,
  rawKeys,
  s3Service,
  storageOptions,
  type S3Service,
} from './s3-service.js';
import { chunked, failing, manual, pattern, readAll, settle } from './stream-helpers.js';

// S3Storage against a real S3 server (Ceph radosgw from ../shared/services/s3-up): the whole
// compliance suite, then what only S3 has — multipart uploads, the key layout in the bucket,
// errors of an unreachable store or a missing bucket. One fresh bucket per run, deleted after.

const PART = 5 * 1024 * 1024;
const ZIP = 'example.com/m/@v/v1.0.0.zip';

interface Fixture {
  service: S3Service;
  client: S3Client;
  bucket: string;
}

let fixture: Promise<Fixture> | undefined;
let counter = 0;

function setUp(): Promise<Fixture> {
  fixture ??= (async () => {
    const service = await s3Service();
    const client = adminClient(service);
    const bucket = await createTestBucket(client);
    return { service, client, bucket };
  })();
  return fixture;
}

after(async () => {
  if (fixture === undefined) return;
  const { client, bucket } = await fixture;
  await deleteTestBucket(client, bucket);
  client.destroy();
});

/** A storage on its own fresh prefix of the run's bucket (an empty storage, cheaply). */
async function freshStorage(): Promise<{ storage: S3Storage; prefix: string; f: Fixture }> {
  const f = await setUp();
  counter += 1;
  const prefix = `run/${counter}/`;
  return { storage: new S3Storage(storageOptions(f.service, f.bucket, prefix, PART)), prefix, f };
}

// A bucket per test (cheap on radosgw) and no prefix: the longest keys fit S3's 1024 bytes.
runStorageCompliance('S3Storage (radosgw)', async () => {
  const f = await setUp();
  const bucket = await createTestBucket(f.client);
  const storage = new S3Storage(storageOptions(f.service, bucket, '', PART));
  return { storage, cleanup: () => deleteTestBucket(f.client, bucket) };
});

describe('S3Storage (radosgw): multipart, layout, errors', () => {
  let s: S3Storage;
  let prefix: string;
  let f: Fixture;
  let dir: string;
  before(async () => {
    ({ storage: s, prefix, f } = await freshStorage());
    dir = await mkdtemp(join(tmpdir(), 'modgate-s3-test-'));
  });
  after(async () => {
    await s.close();
    await emptyPrefix(f.client, f.bucket, prefix);
    await rm(dir, { recursive: true, force: true });
  });

  test('a zip larger than the part size goes up in parts, streams back whole and by range', async () => {
    const size = 2 * PART + 123_457;
    const data = pattern(size, 7);
    await s.putStream(ZIP, chunked(data, 256 * 1024), size);
    const st = await s.stat(ZIP);
    assert.equal(st?.size, size);
    const whole = await s.openRead(ZIP);
    assert.ok(whole);
    assert.equal(whole.stat.etag, st?.etag);
    assert.ok((await readAll(whole.stream)).equals(data));
    // A range across the first part boundary, and one to the end.
    const across = await s.openRead(ZIP, { start: PART - 10, end: PART + 9 });
    assert.ok(across);
    assert.equal(across.stat.size, size, 'stat is the whole object');
    assert.deepEqual(await readAll(across.stream), data.subarray(PART - 10, PART + 10));
    const tail = await s.openRead(ZIP, { start: size - 5, end: Infinity });
    assert.ok(tail);
    assert.deepEqual(await readAll(tail.stream), data.subarray(size - 5));
    assert.deepEqual(await pendingUploads(f.client, f.bucket, prefix), []);
  });

  test('putFile of a large file goes up in parts and leaves the file', async () => {
    const size = PART + 1000;
    const data = pattern(size, 9);
    const path = join(dir, 'big.zip');
    await writeFile(path, data);
    await s.putFile('example.com/f/@v/v1.0.0.zip', path, size);
    assert.ok((await s.getBytes('example.com/f/@v/v1.0.0.zip'))?.equals(data));
    await assert.rejects(
      s.putFile('example.com/f/@v/v1.0.1.zip', path, size + 1),
      (err: unknown) => err instanceof ModgateError && err.kind === 'internal',
    );
    assert.equal(await s.stat('example.com/f/@v/v1.0.1.zip'), null);
  });

  test('a failed or aborted multipart upload leaves no object and no pending upload', async () => {
    const key = 'example.com/broken/@v/v1.0.0.zip';
    const half = pattern(PART + 4096, 1);
    // The stream fails after more than one part.
    const boom = new Error('upstream connection reset');
    await assert.rejects(s.putStream(key, failing(half, boom), 3 * PART), (e) => e === boom);
    // A short stream: its end is a lie.
    await assert.rejects(
      s.putStream(key, chunked(half), 3 * PART),
      (err: unknown) => err instanceof ModgateError && err.kind === 'internal',
    );
    // An abort in the middle, after the first part went up.
    const controller = new AbortController();
    const source = manual();
    const put = s.putStream(key, source, 3 * PART, controller.signal);
    source.write(half);
    await settle();
    const reason = new Error('client went away');
    controller.abort(reason);
    await assert.rejects(put, (e) => e === reason);
    assert.equal(await s.stat(key), null);
    assert.deepEqual(await rawKeys(f.client, f.bucket, `${prefix}example.com/broken/`), []);
    assert.deepEqual(await pendingUploads(f.client, f.bucket, prefix), []);
  });

  test('objects are stored under the prefix with the GOPROXY layout; the probe leaves nothing', async () => {
    await s.putBytes('example.com/m/@v/list', Buffer.from('v1.0.0\n'));
    await s.checkReady();
    const keys = await rawKeys(f.client, f.bucket, prefix);
    assert.ok(keys.includes(`${prefix}example.com/m/@v/list`), keys.join(' '));
    assert.ok(
      keys.every((k) => !k.includes('.modgate-ready')),
      'the probe object is removed',
    );
    assert.deepEqual(
      (await s.list('')).map((k) => `${prefix}${k}`),
      [...keys].sort(),
    );
  });

  test('a key too long for S3 with the prefix is invalid, touching nothing', async () => {
    const key = `${'abcdefgh/'.repeat(113)}abcdefg`; // 1024 bytes: a storage key
    await assert.rejects(
      s.putBytes(key, Buffer.from('x')),
      (err: unknown) => err instanceof ModgateError && err.kind === 'invalid',
    );
    assert.equal((await s.list('')).includes(key), false);
  });

  test('a missing bucket is unavailable, named, without the secret', async () => {
    const other = new S3Storage(storageOptions(f.service, `${f.bucket}-missing`, ''));
    try {
      for (const call of [() => other.checkReady(), () => other.getBytes('a.com/@v/list')]) {
        await assert.rejects(call(), (err: unknown) => {
          assert.ok(err instanceof ModgateError, String(err));
          assert.equal(err.kind, 'unavailable', err.message);
          assert.match(err.message, /s3 storage: .*NoSuchBucket/);
          assert.ok(!err.message.includes(f.service.secretAccessKey));
          return true;
        });
      }
    } finally {
      await other.close();
    }
  });

  test('a multipart upload the store refuses stops reading the stream', async () => {
    const other = new S3Storage(storageOptions(f.service, `${f.bucket}-missing`, '', PART));
    const size = 8 * PART;
    let read = 0;
    const source = new Readable({
      read() {
        if (read >= size) return void this.push(null);
        read += 256 * 1024;
        this.push(Buffer.alloc(256 * 1024, 1));
      },
    });
    try {
      await assert.rejects(other.putStream(ZIP, source, size), (err: unknown) => {
        assert.ok(err instanceof ModgateError, String(err));
        assert.equal(err.kind, 'unavailable', err.message);
        assert.match(err.message, /NoSuchBucket/);
        return true;
      });
      assert.ok(read < size / 2, `read ${read} of ${size} bytes after the upload failed`);
      assert.ok(source.destroyed);
    } finally {
      await other.close();
    }
  });

  test('wrong credentials are unavailable; the secret is never in the error', async () => {
    const secret = 'not-the-right-secret-0123456789abcdef';
    const other = new S3Storage({
      ...storageOptions(f.service, f.bucket, ''),
      secretAccessKey: secret,
    });
    try {
      await assert.rejects(other.checkReady(), (err: unknown) => {
        assert.ok(err instanceof ModgateError, String(err));
        assert.equal(err.kind, 'unavailable', err.message);
        assert.ok(!err.message.includes(secret) && !JSON.stringify(err).includes(secret));
        return true;
      });
    } finally {
      await other.close();
    }
  });

  test('describes itself by endpoint, bucket and prefix, never with credentials', async () => {
    assert.equal(s.description, `s3:${f.service.endpoint} ${f.bucket}/${prefix}`);
    const other = new S3Storage({
      ...storageOptions(f.service, f.bucket, 'p/'),
      endpoint: 'http://user:pa55word@127.0.0.1:9',
    });
    assert.equal(other.description, `s3:http://127.0.0.1:9 ${f.bucket}/p/`);
    await other.close();
  });

  test('an unreachable store is unavailable', async () => {
    const other = new S3Storage({
      ...storageOptions(f.service, f.bucket, ''),
      endpoint: 'http://127.0.0.1:9',
    });
    try {
      await assert.rejects(
        other.stat('a.com/@v/list'),
        (err: unknown) => err instanceof ModgateError && err.kind === 'unavailable',
      );
    } finally {
      await other.close();
    }
  });
});
