// The dashboard's catalog on S3 (issue 15): one replica's writes are seen by another's listing
// (ListObjectsV2 with sizes: no request per object), against a real S3 server (radosgw).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { CatalogLoader } from '../../src/dashboard/catalog-loader.js';
import { S3Storage } from '../../src/storage/s3/s3-storage.js';
import {
  adminClient,
  createTestBucket,
  deleteTestBucket,
  s3Service,
  storageOptions,
  type S3Service,
} from '../storage/s3-service.js';

let service: S3Service;
let client: S3Client;
let bucket: string;

before(async () => {
  service = await s3Service();
  client = adminClient(service);
  bucket = await createTestBucket(client);
});
after(async () => {
  if (bucket !== undefined) await deleteTestBucket(client, bucket);
  client?.destroy();
});

test("a replica's listing finds another's versions with zip sizes, times and publishers", async () => {
  const writerStorage = new S3Storage(storageOptions(service, bucket, 'goproxy/'));
  const writer = new CatalogLoader(writerStorage, { rescanIntervalMs: 0 });
  const storage = writer.watch(writerStorage);
  await storage.putBytes(
    'example.com/a/@v/v1.0.0.info',
    Buffer.from('{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z"}'),
  );
  await storage.putBytes('example.com/a/@v/v1.0.0.mod', Buffer.from('module example.com/a\n'));
  await storage.putBytes('example.com/a/@v/v1.0.0.zip', Buffer.alloc(1234, 1));
  await storage.putBytes(
    '-/published/example.com/a/@v/v1.0.0.json',
    Buffer.from(JSON.stringify({ Publisher: 'alice', Sum: 'h1:zip', GoModSum: 'h1:mod' })),
  );
  assert.equal(writer.catalog.version('example.com/a', 'v1.0.0')?.publisher, 'alice');

  const readerStorage = new S3Storage(storageOptions(service, bucket, 'goproxy/'));
  let stats = 0;
  const counting = Object.assign(Object.create(readerStorage) as S3Storage, {
    stat: (...a: Parameters<S3Storage['stat']>) => {
      stats++;
      return readerStorage.stat(...a);
    },
  });
  const reader = new CatalogLoader(counting, { rescanIntervalMs: 0 });
  await reader.rescan();
  const v = reader.catalog.version('example.com/a', 'v1.0.0');
  assert.equal(v?.size, 1234);
  assert.equal(v?.time, Date.parse('2024-01-02T03:04:05Z'));
  assert.equal(v?.publisher, 'alice');
  assert.equal(v?.h1, 'h1:zip');
  assert.equal(stats, 0, 'sizes come with the listing');
  writer.close();
  reader.close();
  await writerStorage.close();
  await readerStorage.close();
});
