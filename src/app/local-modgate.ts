import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { buildApp } from './build-app.js';

/**
 * Runs `fn` against a modgate built from `config` by the composition root (buildApp) and
 * listening on a loopback port of its own: the same storage, upstream chain, stash (zip rules,
 * `h1:`, checksum gates) and store-time record as `modgate serve`, for tools that fill a data
 * directory or a bucket without a server running (`modgate warm --data-dir`). The caller
 * passes a config whose `listen` is 127.0.0.1:0 and whose metrics listener and rate limit are
 * off (they are for clients, and a metrics port may be the running server's). Resolves once
 * everything fetched is stored and the server stopped.
 */
export async function withLocalModgate<T>(
  config: Config,
  logger: Logger,
  fn: (url: string) => Promise<T>,
): Promise<T> {
  const app = await buildApp(config, logger);
  const { url } = await app.start();
  try {
    return await fn(url);
  } finally {
    await app.settle();
    await app.stop();
  }
}
