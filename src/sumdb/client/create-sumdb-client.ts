import type { Storage } from '../../storage/storage.js';
import type { HttpClient } from '../../upstream/http-client.js';
import type { SumdbDatabase } from '../gosumdb-config.js';
import { DEFAULT_SUMDB_HTTP_OPTIONS, HttpSumdbTransport } from './http-transport.js';
import { OfflineSumdbTransport } from './offline-transport.js';
import { StorageSumdbCache } from './storage-sumdb-cache.js';
import { StorageSumdbState } from './storage-sumdb-state.js';
import { SumdbClient, type SumdbClientOptions } from './sumdb-client.js';
import type { SumdbTransport } from './sumdb-transport.js';

export interface CreateSumdbClientOptions extends Pick<
  SumdbClientOptions,
  'latestMaxAgeMs' | 'memoryTiles' | 'onCacheError' | 'policy'
> {
  /** Deadline for one request to the database (default 30 s). */
  timeoutMs?: number;
  /** Wraps the HTTP transport, e.g. to remember how the last request went (/readyz). */
  wrapTransport?: (transport: SumdbTransport) => SumdbTransport;
  /**
   * Air-gapped (`sumdb.offline`): never contact the database; answer only from storage (see
   * OfflineSumdbTransport), and `latest()` is the remembered (imported) head.
   */
  offline?: boolean;
}

/**
 * The production wiring of a SumdbClient: HTTP to the database's URL with the shared
 * HttpClient, the remembered head and the caches in modgate's storage under `sumdb/<name>/`.
 */
export function createSumdbClient(
  db: SumdbDatabase,
  storage: Storage,
  http: HttpClient,
  options: CreateSumdbClientOptions = {},
): SumdbClient {
  const { timeoutMs, wrapTransport, offline, ...rest } = options;
  const transport =
    offline === true
      ? new OfflineSumdbTransport(db.name)
      : new HttpSumdbTransport(db.url, http, {
          ...DEFAULT_SUMDB_HTTP_OPTIONS,
          timeoutMs: timeoutMs ?? DEFAULT_SUMDB_HTTP_OPTIONS.timeoutMs,
        });
  return new SumdbClient({
    ...rest,
    ...(offline === true ? { offline } : {}),
    name: db.name,
    verifier: db.verifier,
    transport: wrapTransport === undefined ? transport : wrapTransport(transport),
    state: new StorageSumdbState(storage, db.name),
    cache: new StorageSumdbCache(storage, db.name),
  });
}
