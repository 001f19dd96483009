import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  adminClient,
  createTestBucket,
  deleteTestBucket,
  pendingUploads,
  rawKeys,
  s3Service,
  type S3Service,
} from '../storage/s3-service.js';
import { ModgateProcess, type Settings } from './modgate-process.js';
import { TcpProxy } from './tcp-proxy.js';

export interface ReplicaSetOptions {
  /** How many `modgate serve` processes (default 3). */
  count?: number;
  /** The GOPROXY upstream every replica uses (a FixtureProxy's or FaultUpstream's url). */
  upstream: string;
  /** Settings merged over the S3 storage settings, for every replica. */
  settings?: Settings;
  /** `storage.s3.part_size` (default 5MiB, S3's smallest part, so small zips go multipart). */
  partSize?: string;
}

/** The object key prefix the replicas use in their bucket. */
export const REPLICA_PREFIX = 'goproxy/';

/**
 * N real `modgate serve` processes on one S3 bucket — the shared radosgw of the tests
 * (../shared/services/s3-up), reached through a TcpProxy of the set's own so a test can cut the
 * store away from its replicas (`store.cut()`) without stopping the radosgw other test files
 * use. The bucket is fresh for the set and deleted (with any upload left pending) by `close()`.
 *
 * Replicas can be killed (`replicas[i].kill9()`) and replaced (`replace(i)`) on the same
 * bucket and settings.
 */
export class ReplicaSet {
  readonly replicas: ModgateProcess[] = [];
  private readonly retired: ModgateProcess[] = [];

  private constructor(
    readonly service: S3Service,
    /** The test's own client, straight to radosgw (not through `store`). */
    readonly client: S3Client,
    readonly bucket: string,
    /** The relay between the replicas and radosgw. */
    readonly store: TcpProxy,
    private readonly options: ReplicaSetOptions,
  ) {}

  static async start(options: ReplicaSetOptions): Promise<ReplicaSet> {
    const service = await s3Service();
    const client = adminClient(service);
    const bucket = await createTestBucket(client);
    let store: TcpProxy | undefined;
    let set: ReplicaSet | undefined;
    try {
      store = await TcpProxy.start(service.endpoint);
      set = new ReplicaSet(service, client, bucket, store, options);
      const count = options.count ?? 3;
      for (let i = 0; i < count; i++) set.replicas.push(await set.startReplica());
      return set;
    } catch (err) {
      if (set) await set.close();
      else {
        await store?.close();
        await deleteTestBucket(client, bucket);
        client.destroy();
      }
      throw err;
    }
  }

  /** The settings every replica runs with (S3 storage through the relay, plus the options'). */
  settings(): Settings {
    const { service, bucket } = this;
    const s3: Settings = {
      storage: {
        backend: 's3',
        s3: {
          bucket,
          prefix: REPLICA_PREFIX,
          region: service.region,
          endpoint: this.store.url,
          force_path_style: true,
          access_key_id: service.accessKeyId,
          secret_access_key: service.secretAccessKey,
          part_size: this.options.partSize ?? '5MiB',
        },
      },
    };
    return mergeSettings(s3, this.options.settings ?? {});
  }

  /** Starts one more replica on the set's bucket (not added to `replicas`). */
  startReplica(extra: Settings = {}): Promise<ModgateProcess> {
    return ModgateProcess.start({
      upstream: this.options.upstream,
      settings: mergeSettings(this.settings(), extra),
    });
  }

  /** Replaces replica `i` (killed or not: it is stopped first) by a fresh process. */
  async replace(i: number): Promise<ModgateProcess> {
    const old = this.replicas[i];
    if (old) {
      await old.stop();
      this.retired.push(old);
    }
    const fresh = await this.startReplica();
    this.replicas[i] = fresh;
    return fresh;
  }

  /** The bucket's object keys under the replicas' prefix, without it. */
  async keys(): Promise<string[]> {
    const keys = await rawKeys(this.client, this.bucket, REPLICA_PREFIX);
    return keys.map((k) => k.slice(REPLICA_PREFIX.length)).sort();
  }

  /** The stored object's bytes, or undefined when there is none. */
  async object(key: string): Promise<Buffer | undefined> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: REPLICA_PREFIX + key }),
      );
      return Buffer.from((await res.Body?.transformToByteArray()) ?? []);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** True when the object exists (HeadObject). */
  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: REPLICA_PREFIX + key }),
      );
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Multipart uploads begun and neither completed nor aborted, by key (without the prefix). */
  async pendingUploads(): Promise<string[]> {
    const uploads = await pendingUploads(this.client, this.bucket, REPLICA_PREFIX);
    return uploads.map((u) => u.key.slice(REPLICA_PREFIX.length));
  }

  /** Stops every replica, the relay, and deletes the bucket. */
  async close(): Promise<void> {
    for (const r of [...this.replicas, ...this.retired]) await r.stop();
    await this.store.close();
    await deleteTestBucket(this.client, this.bucket);
    this.client.destroy();
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

/** `b` over `a`, nested objects merged key by key (as ModgateProcess merges its defaults). */
export function mergeSettings(a: Settings, b: Settings): Settings {
  const out: Settings = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? mergeSettings(prev, v) : v;
  }
  return out;
}

function isObject(v: unknown): v is Settings {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
