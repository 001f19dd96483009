// Shared set-up for the hosted-database tests: a log over MemoryStorage, a fake module source,
// and the existing verifying SumdbClient reading the log through handleSumdbRequest.
import { createHash } from 'node:crypto';
import { ModgateError } from '../../../src/errors/index.js';
import { compilePolicy } from '../../../src/policy/index.js';
import { MemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import type { Storage } from '../../../src/storage/storage.js';
import {
  StorageSumdbCache,
  StorageSumdbState,
  SumdbClient,
  type SumdbTransport,
} from '../../../src/sumdb/client/index.js';
import { handleSumdbRequest } from '../../../src/sumdb/proxy/index.js';
import {
  HostedSumdb,
  SumdbLog,
  loadOrCreateServerKey,
  type ModuleHashSource,
  type ServerKey,
  type SumdbLogOptions,
} from '../../../src/sumdb/server/index.js';

export const NAME = 'sumdb.corp.example';

export function fakeH1(seed: string): string {
  return 'h1:' + createHash('sha256').update(seed).digest('base64');
}

/** Hashes for any `example.com/...` version; `not-found` for `missing.example/...`. */
export class FakeSource implements ModuleHashSource {
  calls: string[] = [];
  /** Changes every hash (a moved tag). */
  salt = '';

  storedHashes(modulePath: string, version: string): Promise<{ modHash: string; zipHash: string }> {
    this.calls.push(`${modulePath}@${version}`);
    if (modulePath.startsWith('missing.example/')) {
      return Promise.reject(new ModgateError('not-found', `${modulePath}@${version}: not found`));
    }
    return Promise.resolve({
      zipHash: fakeH1(`zip ${modulePath}@${version}${this.salt}`),
      modHash: fakeH1(`mod ${modulePath}@${version}${this.salt}`),
    });
  }
}

export interface ServerEnv {
  storage: Storage;
  key: ServerKey;
  log: SumdbLog;
  source: FakeSource;
  hosted: HostedSumdb;
}

export async function openServer(
  storage: Storage = new MemoryStorage(),
  opts: Partial<SumdbLogOptions> = {},
  source = new FakeSource(),
): Promise<ServerEnv> {
  const key = await loadOrCreateServerKey(storage, NAME);
  const log = await SumdbLog.open({
    storage,
    name: NAME,
    signer: key.signer,
    verifier: key.verifier,
    ...opts,
  });
  return { storage, key, log, source, hosted: new HostedSumdb(log, source) };
}

/** A transport answering from the hosted database through the proxy layer, as HTTP would. */
export function inProcessTransport(
  env: { hosted: HostedSumdb },
  paths: string[] = [],
  name = NAME,
): SumdbTransport {
  return {
    async get(path) {
      paths.push(path);
      const res = await handleSumdbRequest(`/sumdb/${name}${path}`, {
        databases: [],
        hosted: [env.hosted],
        // Everything is private: a hosted database needs no relaying, so nothing is refused.
        policy: compilePolicy({ private: '*', noVerify: '', insecure: '', vcsPolicy: '' }),
      });
      return res.body;
    },
  };
}

/** A verifying client (the go command's algorithm) with its own state in `clientStorage`. */
export function verifyingClient(
  env: ServerEnv,
  clientStorage: Storage = new MemoryStorage(),
  paths: string[] = [],
): SumdbClient {
  return new SumdbClient({
    name: NAME,
    verifier: env.key.verifier,
    transport: inProcessTransport(env, paths),
    state: new StorageSumdbState(clientStorage, NAME),
    cache: new StorageSumdbCache(clientStorage, NAME),
  });
}
