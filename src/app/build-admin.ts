import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/index.js';
import type { ClientAddresses } from '../http/client-address.js';
import type { Logger } from '../log/index.js';
import type { Policy } from '../policy/index.js';
import type { ModuleService } from '../service/module-service.js';
import { RuntimeBlocks } from '../service/runtime-blocks.js';
import type { Storage } from '../storage/index.js';

/**
 * Blocks added at run time (issue 15; docs/block-lists.md): kept in `storage` under
 * `-/blocks/`, merged into `policy`'s deny set, and the service's cached answers dropped at
 * every change. Loaded by `start()` before the server listens, so a stored block applies from
 * the first request; polled every `blocks.poll_interval` for other replicas' changes.
 */
export function buildRuntimeBlocks(
  config: Config,
  storage: Storage,
  policy: Policy,
  service: ModuleService,
  logger: Logger,
): RuntimeBlocks {
  return new RuntimeBlocks({
    storage,
    policy,
    pollIntervalMs: config.blocks.pollIntervalMs,
    onChange: () => service.blocksChanged(),
    onProblem: (message, err) =>
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, message),
  });
}

/** The client address of a request as the access log has it (trusted proxies honoured). */
export function clientAddressOf(
  addresses: ClientAddresses | undefined,
): (req: IncomingMessage) => string {
  return (req) => {
    const peer = req.socket.remoteAddress;
    return (addresses?.of(peer, req.headers['x-forwarded-for']) ?? peer) || '';
  };
}
