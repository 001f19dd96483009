import type { Storage } from '../storage/index.js';
import type { SumdbDatabase } from '../sumdb/gosumdb-config.js';
import {
  createSumdbClient,
  type CreateSumdbClientOptions,
  type SumdbClient,
  type SumdbTransport,
} from '../sumdb/client/index.js';
import { isNotFound } from '../errors/index.js';
import type { HttpClient } from '../upstream/http-client.js';

/** What /readyz shows of one checksum database modgate talks to. */
export interface SumdbHealth {
  name: string;
  /** False when the last request to it failed (not found is an answer: ok). */
  ok: boolean;
  lastError?: string;
}

/**
 * The checksum databases' health for /readyz: builds the clients with createSumdbClient, with
 * a transport wrapped to remember how the last request to each database went. A database
 * never asked yet is ok.
 */
export class SumdbHealthRegistry {
  private readonly states: { name: string; lastError: string | undefined }[] = [];

  client(
    db: SumdbDatabase,
    storage: Storage,
    http: HttpClient,
    options: CreateSumdbClientOptions = {},
  ): SumdbClient {
    const state = { name: db.name, lastError: undefined as string | undefined };
    this.states.push(state);
    const remember = (inner: SumdbTransport): SumdbTransport => ({
      get: async (path) => {
        try {
          const body = await inner.get(path);
          state.lastError = undefined;
          return body;
        } catch (err) {
          state.lastError = isNotFound(err)
            ? undefined
            : err instanceof Error
              ? err.message
              : String(err);
          throw err;
        }
      },
    });
    return createSumdbClient(db, storage, http, { ...options, wrapTransport: remember });
  }

  health(): SumdbHealth[] {
    return this.states.map(({ name, lastError }) =>
      lastError === undefined ? { name, ok: true } : { name, ok: false, lastError },
    );
  }
}
