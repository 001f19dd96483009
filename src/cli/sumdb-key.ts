import { buildStorage } from '../app/build-app.js';
import type { Config } from '../config/index.js';
import { ModgateError } from '../errors/index.js';
import { defaultClientUrl, gosumdbValue, loadOrCreateServerKey } from '../sumdb/server/index.js';
import { hostname } from 'node:os';

/**
 * `modgate sumdb key`: prints the GOSUMDB value for modgate's own checksum database — its
 * verifier key and URL — reading the key from the configured storage, or creating it there
 * as `modgate serve` would on first start. Only the public key is printed.
 */
export async function printSumdbKey(
  config: Config,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<void> {
  if (config.storage.backend === 'memory') {
    throw new ModgateError(
      'invalid',
      'storage.backend is memory: a key created here would be gone when this command exits; `modgate serve` logs the GOSUMDB value of its in-memory database at start-up',
    );
  }
  const { name, url, enabled } = config.sumdbServer;
  const storage = await buildStorage(config);
  try {
    const key = await loadOrCreateServerKey(storage, name);
    const base = url || defaultClientUrl(config.listen.host, config.listen.port, hostname());
    out.write(`${gosumdbValue(key.verifierKey, name, base)}\n`);
  } finally {
    await storage.close();
  }
  if (!enabled) {
    err.write(
      'modgate: note: sumdb.server.enabled is false, so `modgate serve` does not serve this database yet\n',
    );
  }
}
