import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat as fsStat } from 'node:fs/promises';
import { Readable, addAbortSignal } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { ModgateError } from '../../errors/index.js';
import { checkPutStream, checkSize, drainExactly } from '../drain-exactly.js';
import { resolveRange } from '../resolve-range.js';
import {
  MAX_KEY_BYTES,
  checkStorageKey,
  checkStoragePrefix,
  compareStorageKeys,
  isStorageKey,
} from '../storage-key.js';
import type { ByteRange, Storage, StoredStat } from '../storage.js';
import { isS3InvalidRange, isS3Missing, s3Error } from './s3-error.js';
import { uploadMultipart } from './s3-multipart.js';
import { WRITE_ID, toStat, totalSize } from './s3-stat.js';

export interface S3StorageOptions {
  bucket: string;
  /** '' or ending in `/`: every key is stored as `<prefix><key>`. */
  prefix: string;
  /** '' = the SDK's default (AWS_REGION, shared config). */
  region: string;
  /** '' = AWS; else e.g. `http://127.0.0.1:7301`. */
  endpoint: string;
  forcePathStyle: boolean;
  /** Both '' = the SDK's default credential chain. */
  accessKeyId: string;
  secretAccessKey: string;
  /** Streams larger than this go up as multipart uploads of parts this size (≥ 5 MiB). */
  partSizeBytes: number;
}

/** Connections to the store at most (per protocol). */
const MAX_SOCKETS = 512;

/** Where the readiness probe writes (a dot-element: outside the URL space, never listed). */
const PROBE_DIR = '.modgate-ready/';

/**
 * Storage in an S3 bucket (any S3-compatible store), with the disk backend's GOPROXY layout:
 * each key is the object `<prefix><key>`, so the bucket (or a CDN in front of it) is a static
 * GOPROXY as it is.
 *
 * Atomicity is S3's: an object appears whole when PutObject or CompleteMultipartUpload
 * returns, and readers see the old object or the new one, never a mix. Streams up to
 * `partSizeBytes` are collected in memory and sent with one PutObject; larger ones go up in
 * parts (lib-storage Upload, at most a few parts in memory at a time). A failed, short, long or
 * aborted stream completes nothing and its multipart upload is aborted, so no object appears.
 * Writes overwrite (the Storage contract: `list` and `@latest` change), so no conditional
 * `If-None-Match: *` is sent.
 *
 * Each write stores a random id in the object's metadata; it is the etag `stat` reports, as
 * S3's own ETag (an MD5) stays the same when the same bytes are written again.
 */
export class S3Storage implements Storage {
  readonly description: string;
  private readonly client: S3Client;
  private readonly probeKey: string;

  constructor(private readonly options: S3StorageOptions) {
    if (options.prefix !== '') checkStoragePrefix(options.prefix);
    const config: S3ClientConfig = {
      forcePathStyle: options.forcePathStyle,
      // Streams are sent with a known length and no trailing checksum: S3-compatible stores
      // without aws-chunked trailers (Ceph radosgw 16) refuse the SDK's default otherwise.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Every zip being streamed to a client holds a connection until it is read: the SDK's
      // 50 would queue the 51st request behind slow clients. A store that does not answer a
      // connect within 10 s is unavailable rather than a request hung for minutes.
      requestHandler: {
        connectionTimeout: 10_000,
        httpAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
        httpsAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
      },
    };
    if (options.region !== '') config.region = options.region;
    if (options.endpoint !== '') config.endpoint = options.endpoint;
    if (options.accessKeyId !== '') {
      config.credentials = {
        accessKeyId: options.accessKeyId,
        secretAccessKey: options.secretAccessKey,
      };
    }
    this.client = new S3Client(config);
    // The endpoint without any user:password@ (credentials never go into logs).
    const where = options.endpoint === '' ? '' : `${options.endpoint.replace(/\/\/[^/]*@/, '//')} `;
    this.description = `s3:${where}${options.bucket}/${options.prefix}`;
    this.probeKey = `${options.prefix}${PROBE_DIR}${randomUUID()}`;
  }

  async getBytes(key: string, signal?: AbortSignal): Promise<Buffer | null> {
    checkStorageKey(key);
    signal?.throwIfAborted();
    const read = await this.get('getBytes', key, undefined, signal);
    if (read === null) return null;
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of read.stream) chunks.push(chunk as Buffer);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw s3Error('getBytes', key, err);
    }
    return Buffer.concat(chunks);
  }

  async putBytes(key: string, data: Buffer, signal?: AbortSignal): Promise<void> {
    checkStorageKey(key);
    signal?.throwIfAborted();
    await this.putObject('putBytes', key, data, signal);
  }

  async stat(key: string, signal?: AbortSignal): Promise<StoredStat | null> {
    checkStorageKey(key);
    signal?.throwIfAborted();
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }),
        { abortSignal: signal },
      );
      return toStat(head.ContentLength ?? 0, head);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (isS3Missing(err)) return null;
      throw s3Error('stat', key, err);
    }
  }

  async openRead(
    key: string,
    range?: ByteRange,
    signal?: AbortSignal,
  ): Promise<{ stream: Readable; stat: StoredStat } | null> {
    checkStorageKey(key);
    // Refuses a malformed range before any request (the size is not known yet).
    if (range !== undefined) resolveRange(range, Number.MAX_SAFE_INTEGER);
    signal?.throwIfAborted();
    return this.get('openRead', key, range, signal);
  }

  async putStream(
    key: string,
    stream: Readable,
    size: number,
    signal?: AbortSignal,
  ): Promise<void> {
    checkPutStream(key, stream, size, checkStorageKey);
    await this.putSized('putStream', key, stream, size, signal);
  }

  /** Reads the file (the caller keeps it): in one PutObject, or streamed in parts when large. */
  async putFile(key: string, path: string, size: number, signal?: AbortSignal): Promise<void> {
    checkStorageKey(key);
    checkSize(`putFile ${key}`, size);
    signal?.throwIfAborted();
    try {
      const info = await fsStat(path);
      if (!info.isFile() || info.size !== size) {
        throw new ModgateError(
          'internal',
          `s3 storage: putFile ${key}: ${path} is not a regular file of ${size} bytes`,
        );
      }
      if (size <= this.options.partSizeBytes) {
        const data = await readFile(path, signal === undefined ? {} : { signal });
        if (data.length !== size) {
          throw new ModgateError(
            'internal',
            `s3 storage: putFile ${key}: ${path} is ${data.length} bytes, ${size} declared`,
          );
        }
        await this.putObject('putFile', key, data, signal);
        return;
      }
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (err instanceof ModgateError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new ModgateError('internal', `s3 storage: putFile ${key}: ${reason}`, { cause: err });
    }
    await this.putSized('putFile', key, createReadStream(path), size, signal);
  }

  async delete(key: string, signal?: AbortSignal): Promise<void> {
    checkStorageKey(key);
    signal?.throwIfAborted();
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }),
        { abortSignal: signal },
      );
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (isS3Missing(err)) return;
      throw s3Error('delete', key, err);
    }
  }

  async list(prefix: string, signal?: AbortSignal): Promise<string[]> {
    return (await this.listSizes(prefix, signal)).map((entry) => entry.key);
  }

  /** Every key under a prefix with its size, from the listing itself (no request per object). */
  async listSizes(prefix: string, signal?: AbortSignal): Promise<{ key: string; size: number }[]> {
    checkStoragePrefix(prefix);
    signal?.throwIfAborted();
    const keys: { key: string; size: number }[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: this.objectKey(prefix),
            ContinuationToken: token,
          }),
          { abortSignal: signal },
        );
        for (const object of page.Contents ?? []) {
          const key = object.Key?.slice(this.options.prefix.length);
          // Objects outside the URL space (the readiness probe, others' files) are not keys.
          if (key !== undefined && isStorageKey(key)) keys.push({ key, size: object.Size ?? 0 });
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw s3Error('list', prefix, err);
    }
    return keys.sort((a, b) => compareStorageKeys(a.key, b.key));
  }

  /** Writes and deletes a tiny object of its own: the bucket exists and takes writes. */
  async checkReady(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const Key = this.probeKey;
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.options.bucket, Key, Body: Buffer.alloc(0) }),
        { abortSignal: signal },
      );
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key }), {
        abortSignal: signal,
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw s3Error('checkReady', `bucket ${this.options.bucket}`, err);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }

  /**
   * The object key of `key`. S3 keys are at most 1024 bytes, the limit of storage keys
   * (MAX_KEY_BYTES): with a prefix, the longest keys do not fit, and are refused as `invalid`
   * before any request (real keys are far shorter).
   */
  private objectKey(key: string): string {
    const objectKey = `${this.options.prefix}${key}`;
    if (Buffer.byteLength(objectKey, 'utf8') > MAX_KEY_BYTES) {
      throw new ModgateError(
        'invalid',
        `s3 storage: key ${JSON.stringify(key)} is longer than ${MAX_KEY_BYTES} bytes with the prefix ${JSON.stringify(this.options.prefix)}`,
      );
    }
    return objectKey;
  }

  private async putObject(
    op: string,
    key: string,
    data: Buffer,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.objectKey(key),
          Body: data,
          ContentLength: data.length,
          Metadata: { [WRITE_ID]: randomUUID() },
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw s3Error(op, key, err);
    }
  }

  /**
   * Stores exactly `size` bytes of `stream`: collected and sent whole when it fits in one
   * part, else as a multipart upload fed only with bytes `drainExactly` has counted. The
   * upload's source ends only once the count is right; any failure destroys the source
   * instead, and lib-storage then aborts the multipart upload before `done()` settles, so
   * nothing is ever completed from a bad stream.
   */
  private async putSized(
    op: string,
    key: string,
    stream: Readable,
    size: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const what = `${op} ${key}`;
    if (size <= this.options.partSizeBytes) {
      const chunks: Buffer[] = [];
      await drainExactly(what, stream, size, (c) => void chunks.push(c), signal);
      await this.putObject(op, key, Buffer.concat(chunks, size), signal);
      return;
    }
    await uploadMultipart({
      client: this.client,
      bucket: this.options.bucket,
      objectKey: this.objectKey(key),
      partSizeBytes: this.options.partSizeBytes,
      writeId: { [WRITE_ID]: randomUUID() },
      op,
      key,
      stream,
      size,
      signal,
    });
    signal?.throwIfAborted();
  }

  /**
   * One GetObject, for `getBytes` (whole) and `openRead` (whole or a range): `null` for a
   * missing key. The signal cancels the request until the answer's headers are in; from then
   * on it destroys the body stream (with an AbortError), as `fetch` does.
   */
  private async get(
    op: string,
    key: string,
    range: ByteRange | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ stream: Readable; stat: StoredStat } | null> {
    const request = new AbortController();
    const forward = () => request.abort(signal?.reason);
    signal?.addEventListener('abort', forward, { once: true });
    try {
      const end = range === undefined || range.end === Infinity ? '' : String(range.end);
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: this.objectKey(key),
          Range: range === undefined ? undefined : `bytes=${range.start}-${end}`,
        }),
        { abortSignal: request.signal },
      );
      const total = totalSize(answer.ContentRange, answer.ContentLength);
      const body = answer.Body as Readable | undefined;
      const stream = body ?? Readable.from([]);
      if (signal !== undefined) addAbortSignal(signal, stream);
      return { stream, stat: toStat(total, answer) };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (isS3Missing(err)) return null;
      if (range !== undefined && isS3InvalidRange(err)) {
        // A range starting at or past the end (or any range of an empty object): no bytes.
        const stat = await this.stat(key, signal);
        return stat === null ? null : { stream: Readable.from([]), stat };
      }
      throw s3Error(op, key, err);
    } finally {
      signal?.removeEventListener('abort', forward);
    }
  }
}
