import { serverSumdbKey } from '../app/server-sumdb-key.js';
import type { Config } from '../config/index.js';

/**
 * `modgate sumdb key`: prints the GOSUMDB value for modgate's own checksum database — its
 * verifier key and URL — which app reads from the configured storage (creating the key there
 * as `modgate serve` would on first start). Only the public key is printed.
 */
export async function printSumdbKey(
  config: Config,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<void> {
  out.write(`${await serverSumdbKey(config)}\n`);
  if (!config.sumdbServer.enabled) {
    err.write(
      'modgate: note: sumdb.server.enabled is false, so `modgate serve` does not serve this database yet\n',
    );
  }
}
