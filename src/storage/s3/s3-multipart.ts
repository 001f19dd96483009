import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { drainExactly } from '../drain-exactly.js';
import { s3Error } from './s3-error.js';

export interface MultipartUpload {
  client: S3Client;
  bucket: string;
  /** The object's full key (prefix included). */
  objectKey: string;
  partSizeBytes: number;
  /** The object's metadata: the write id that is its etag. */
  writeId: Record<string, string>;
  /** For messages: the Storage operation and key. */
  op: string;
  key: string;
  stream: Readable;
  size: number;
  signal: AbortSignal | undefined;
}

/**
 * Stores exactly `size` bytes of `stream` as a multipart upload (lib-storage Upload, at most a
 * few parts in memory) fed only with bytes `drainExactly` has counted. The upload's source ends
 * only once the count is right; any failure destroys the source instead, and lib-storage then
 * aborts the multipart upload before `done()` settles, so nothing is ever completed from a bad
 * stream.
 */
export async function uploadMultipart(o: MultipartUpload): Promise<void> {
  const { op, key, stream, size, signal } = o;
  const what = `${op} ${key}`;
  const source = new PassThrough({ highWaterMark: 1024 * 1024 });
  const upload = new Upload({
    client: o.client,
    partSize: o.partSizeBytes,
    queueSize: 2,
    params: {
      Bucket: o.bucket,
      Key: o.objectKey,
      Body: source,
      Metadata: o.writeId,
    },
  });
  const uploaded = upload.done();
  // Settles `uploaded` here too, so its rejection is never unhandled while the drain runs.
  let settled = false;
  const outcome = uploaded
    .then(
      () => undefined,
      (err: unknown) => err,
    )
    .finally(() => (settled = true));
  // An upload that failed before the stream ended (the store went away) stops the drain:
  // otherwise the rest of the stream would pile up in `source`, which nobody reads any more.
  const uploadEnded = new Error(`${what}: the upload ended before the stream`);
  const feed = async (chunk: Buffer): Promise<void> => {
    if (settled) throw uploadEnded;
    if (!source.write(chunk)) {
      await Promise.race([once(source, 'drain'), outcome.then(() => undefined)]);
    }
  };
  try {
    await drainExactly(what, stream, size, feed, signal);
  } catch (err) {
    source.destroy(new Error(`${what}: source failed`));
    const failure = await outcome;
    if (err === uploadEnded) throw s3Error(op, key, failure ?? err);
    throw err;
  }
  source.end();
  const failure = await outcome;
  if (failure !== undefined) {
    if (signal?.aborted) throw signal.reason;
    throw s3Error(op, key, failure);
  }
  signal?.throwIfAborted();
}
