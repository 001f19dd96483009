import type { Config } from '../config/index.js';
import { ModgateError } from '../errors/index.js';
import { compilePolicy } from '../policy/index.js';
import type { Storage } from '../storage/index.js';
import { createSumdbClient, type SumdbClient } from '../sumdb/client/index.js';
import { parseGosumdb, type SumdbDatabase } from '../sumdb/gosumdb-config.js';
import { HttpClient } from '../upstream/http-client.js';
import { outboundProxyFromEnv } from '../upstream/outbound-proxy.js';
import { buildStorage } from './build-storage.js';
import { MODGATE_VERSION } from './version.js';
import { StoreTimeLog } from '../service/store-time-log.js';
import { StoreTimeRecording } from '../service/store-time-recording.js';

function recordingStoreTimes(storage: Storage): Storage {
  return new StoreTimeRecording(storage, new StoreTimeLog(storage), (key, err) =>
    process.stderr.write(
      `modgate: ${key}: store time not recorded (the index feed misses it): ${err instanceof Error ? err.message : String(err)}\n`,
    ),
  );
}

/** What `modgate mirror` needs from the configuration, built the way `serve` builds it. */
export interface MirrorContext {
  /** The configured storage, opened on first use (an export from a server never opens it). */
  storage(): Promise<Storage>;
  /** The configured checksum databases (sumdb.databases), the first being verified against. */
  readonly databases: readonly SumdbDatabase[];
  /** Module paths without checksum-database records: private or `sumdb.no_verify`. */
  isPrivate(path: string): boolean;
  /**
   * A verifying client of a database over the configured storage (its cache and remembered
   * head), offline when `sumdb.offline` is set.
   */
  sumdbClient(db: SumdbDatabase, storage: Storage): SumdbClient;
  close(): Promise<void>;
}

/** Opens the configured storage for a mirror command; refuses the memory backend. */
export function openMirrorContext(config: Config): MirrorContext {
  if (config.storage.backend === 'memory') {
    throw new ModgateError(
      'invalid',
      'storage.backend is memory: there is nothing to export from or import into; use disk or s3',
    );
  }
  let opened: Promise<Storage> | undefined;
  const policy = compilePolicy({
    private: config.private,
    noVerify: config.sumdb.noVerify,
    insecure: config.direct.insecure,
    vcsPolicy: config.direct.vcsPolicy,
  });
  const http = new HttpClient({
    connectTimeoutMs: config.upstreamHttp.connectTimeoutMs,
    maxConnections: config.upstreamHttp.maxConnections,
    userAgent: `modgate/${MODGATE_VERSION}`,
    proxy: outboundProxyFromEnv(process.env),
  });
  return {
    // Zips stored (import, sync) are recorded for the index feed, as `serve` records them.
    storage: () => (opened ??= buildStorage(config).then(recordingStoreTimes)),
    databases: config.sumdb.databases.flatMap((entry) => parseGosumdb(entry) ?? []),
    isPrivate: (path) => !policy.forModule(path).verify,
    sumdbClient: (db, storage) =>
      createSumdbClient(db, storage, http, { policy, offline: config.sumdb.offline }),
    close: async () => {
      if (opened !== undefined) await (await opened).close();
    },
  };
}
