import { hostname } from 'node:os';
import type { Config } from '../config/index.js';
import { ModgateError } from '../errors/index.js';
import { defaultClientUrl, gosumdbValue, loadOrCreateServerKey } from '../sumdb/server/index.js';
import { buildStorage } from './build-storage.js';

/**
 * The GOSUMDB value of modgate's own checksum database — `<name>+<hash>+<key> <url>`, the
 * public verifier key only — reading the key from the configured storage, or creating it there
 * as `modgate serve` would on first start. Lives in the composition root because it builds the
 * storage; `modgate sumdb key` (cli) only prints it.
 */
export async function serverSumdbKey(config: Config): Promise<string> {
  if (config.storage.backend === 'memory') {
    throw new ModgateError(
      'invalid',
      'storage.backend is memory: a key created here would be gone when this command exits; `modgate serve` logs the GOSUMDB value of its in-memory database at start-up',
    );
  }
  const { name, url } = config.sumdbServer;
  const storage = await buildStorage(config);
  try {
    const key = await loadOrCreateServerKey(storage, name);
    const base = url || defaultClientUrl(config.listen.host, config.listen.port, hostname());
    return gosumdbValue(key.verifierKey, name, base);
  } finally {
    await storage.close();
  }
}
