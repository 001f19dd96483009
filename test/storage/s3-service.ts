import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  AbortMultipartUploadCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3StorageOptions } from '../../src/storage/index.js';

// The real S3 server of the tests: Ceph radosgw started by ../shared/services/s3-up (see its
// README), or the one named by S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY (what .ci/run exports).
// There is no silent skip: without a server, the S3 tests fail and say why.

export interface S3Service {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/**
 * Compiled to dist/test/storage/: the repository is three levels up, `shared/` beside it; a
 * clone made elsewhere finds it at /work/shared, where these machines keep it.
 */
const S3_UP_CANDIDATES = [
  fileURLToPath(new URL('../../../../shared/services/s3-up', import.meta.url)),
  '/work/shared/services/s3-up',
];
const S3_UP = S3_UP_CANDIDATES.find((p) => existsSync(p)) ?? S3_UP_CANDIDATES[0] ?? '';

let started: Promise<S3Service> | undefined;

/** The S3 server: from the environment, else started (idempotently) with s3-up. */
export function s3Service(): Promise<S3Service> {
  started ??= startService();
  return started;
}

async function startService(): Promise<S3Service> {
  const env = process.env;
  if (env.S3_ENDPOINT && env.S3_ACCESS_KEY && env.S3_SECRET_KEY) {
    return fromLines(env);
  }
  const script = env.MODGATE_TEST_S3_UP ?? S3_UP;
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(script, [], { timeout: 240_000 }));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `the S3 tests need a real S3 server: set S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, or make ${script} runnable (root, apt): ${reason}`,
    );
  }
  const vars: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(S3_[A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) vars[m[1]] = m[2];
  }
  return fromLines(vars);
}

function fromLines(vars: Record<string, string | undefined>): S3Service {
  const { S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION } = vars;
  if (!S3_ENDPOINT || !S3_ACCESS_KEY || !S3_SECRET_KEY) {
    throw new Error('s3-up printed no S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY');
  }
  return {
    endpoint: S3_ENDPOINT,
    accessKeyId: S3_ACCESS_KEY,
    secretAccessKey: S3_SECRET_KEY,
    region: S3_REGION ?? 'us-east-1',
  };
}

/** A client for the test's own checks (listing raw keys, pending uploads). */
export function adminClient(service: S3Service): S3Client {
  return new S3Client({
    endpoint: service.endpoint,
    region: service.region,
    forcePathStyle: true,
    credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Storage options for `bucket` on the service. */
export function storageOptions(
  service: S3Service,
  bucket: string,
  prefix: string,
  partSizeBytes = 5 * 1024 * 1024,
): S3StorageOptions {
  return {
    bucket,
    prefix,
    region: service.region,
    endpoint: service.endpoint,
    forcePathStyle: true,
    accessKeyId: service.accessKeyId,
    secretAccessKey: service.secretAccessKey,
    partSizeBytes,
  };
}

/** Creates a bucket with a fresh name. */
export async function createTestBucket(client: S3Client): Promise<string> {
  const bucket = `modgate-test-${randomBytes(6).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Every object key under `prefix`, as stored (with the prefix). */
export async function rawKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

/** The multipart uploads begun and neither completed nor aborted under `prefix`. */
export async function pendingUploads(
  client: S3Client,
  bucket: string,
  prefix = '',
): Promise<{ key: string; uploadId: string }[]> {
  const page = await client.send(
    new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }),
  );
  return (page.Uploads ?? []).map((u) => ({ key: u.Key ?? '', uploadId: u.UploadId ?? '' }));
}

/** Deletes every object (and pending upload) under `prefix`. */
export async function emptyPrefix(client: S3Client, bucket: string, prefix: string): Promise<void> {
  for (const u of await pendingUploads(client, bucket, prefix)) {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.key, UploadId: u.uploadId }),
    );
  }
  // One DeleteObject each: DeleteObjects needs a Content-MD5 the SDK no longer sends.
  for (const Key of await rawKeys(client, bucket, prefix)) {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
  }
}

/** Empties and deletes the bucket. */
export async function deleteTestBucket(client: S3Client, bucket: string): Promise<void> {
  await emptyPrefix(client, bucket, '');
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}
