// Shared set-up for the sumdb client and proxy tests: fake records, and a SumdbClient over
// MemoryStorage talking HTTP to a TestSumdb.
import { createHash } from 'node:crypto';
import { MemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import type { Storage } from '../../../src/storage/storage.js';
import {
  HttpSumdbTransport,
  StorageSumdbCache,
  StorageSumdbState,
  SumdbClient,
  type SumdbClientOptions,
} from '../../../src/sumdb/client/index.js';
import { newVerifier } from '../../../src/sumdb/note/index.js';
import { HttpClient } from '../../../src/upstream/http-client.js';
import type { TestSumdb, TestSumdbRecord } from '../../support/test-sumdb.js';

export const USER_AGENT = 'modgate-sumdb-test';

/** A made-up h1 hash. */
export function fakeHash(seed: string): string {
  return 'h1:' + createHash('sha256').update(seed).digest('base64');
}

/** `count` records for example.com/m<i>@v1.0.<i>, from `from`. */
export function fakeRecords(count: number, from = 0, prefix = 'example.com/m'): TestSumdbRecord[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const path = `${prefix}${i}`;
    const version = `v1.0.${i}`;
    return { path, version, zipHash: fakeHash(`${path}@${version}`), modHash: fakeHash(path) };
  });
}

export interface ClientEnv {
  client: SumdbClient;
  storage: Storage;
  http: HttpClient;
  close(): Promise<void>;
}

/** A client for `db` over `storage` (a fresh MemoryStorage by default). */
export function clientFor(
  db: TestSumdb,
  opts: {
    storage?: Storage;
    url?: string;
    timeoutMs?: number;
    client?: Partial<SumdbClientOptions>;
  } = {},
): ClientEnv {
  const storage = opts.storage ?? new MemoryStorage();
  const http = new HttpClient({
    connectTimeoutMs: 2000,
    maxConnections: 16,
    userAgent: USER_AGENT,
  });
  const client = new SumdbClient({
    name: db.name,
    verifier: newVerifier(db.verifierKey),
    transport: new HttpSumdbTransport(opts.url ?? db.url, http, {
      timeoutMs: opts.timeoutMs ?? 5000,
      maxBytes: 1 << 20,
    }),
    state: new StorageSumdbState(storage, db.name),
    cache: new StorageSumdbCache(storage, db.name),
    ...opts.client,
  });
  const close = async (): Promise<void> => {
    await client.settle(); // lookup answers being written to the cache behind their lookups
    await http.close();
  };
  return { client, storage, http, close };
}

/** Every storage key under `sumdb/<name>/`, relative to it. */
export async function storedFiles(storage: Storage, name: string): Promise<string[]> {
  const prefix = `sumdb/${name}/`;
  return (await storage.list(prefix)).map((k) => k.slice(prefix.length));
}
