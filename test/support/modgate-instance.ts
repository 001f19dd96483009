import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { buildApp } from '../../src/app/build-app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log/index.js';

export interface ModgateInstance {
  url: string;
  dataDir: string;
  /** Every log line so far (debug level and up) when started with `captureLog`; else ''. */
  log(): string;
  /** Resolves once every file answered so far is stored (stores run behind the answers). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface ModgateTestOptions {
  upstream: string;
  private?: string;
  listTtl?: string;
  notFoundTtl?: string;
  maxZipSize?: string;
  storage?: 'disk' | 'memory';
  /** Extra settings by key path. */
  settings?: Record<string, unknown>;
  /** Serve this data directory (kept on stop: a later instance may reopen it); default a fresh one. */
  dataDir?: string;
  /** Keep every log line from debug level up, for `log()` (e.g. to prove a secret is never logged). */
  captureLog?: boolean;
}

/**
 * A modgate server for a test: built through the real configuration loader and composition
 * root, listening on a free port on 127.0.0.1, with a fresh data directory removed on stop.
 * Logs go nowhere unless MODGATE_TEST_LOG=1 (to stderr) or `captureLog` (to `log()`).
 */
export async function startModgate(opts: ModgateTestOptions): Promise<ModgateInstance> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'modgate-data-')));
  const config = loadConfig({
    flags: {
      listen: '127.0.0.1:0',
      data_dir: dataDir,
      upstream: opts.upstream,
      private: opts.private,
      'storage.backend': opts.storage,
      'cache.list_ttl': opts.listTtl,
      'cache.not_found_ttl': opts.notFoundTtl ?? '0s',
      'limits.max_zip_size': opts.maxZipSize,
      'server.shutdown_grace': '5s',
      'log.level': process.env.MODGATE_TEST_LOG === '1' || opts.captureLog ? 'debug' : 'silent',
      'log.format': 'json',
      // Tests have no route to sum.golang.org: checksum verification is opted into.
      'sumdb.verify': false,
      ...opts.settings,
    },
  });
  let text = '';
  const sink = new PassThrough();
  sink.on('data', (d: Buffer) => (text += d.toString()));
  const app = await buildApp(
    config,
    createLogger(config.log, opts.captureLog ? sink : process.stderr),
  );
  const { url } = await app.start();
  return {
    url,
    dataDir,
    log: () => text,
    settle: () => app.settle(),
    async stop() {
      await app.stop();
      if (opts.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
