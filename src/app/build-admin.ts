import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/index.js';
import type { Coordinator } from '../coordination/index.js';
import type { ApiRoute } from '../http/api/index.js';
import { adminRoutes } from '../http/api/admin-routes.js';
import type { ClientAddresses } from '../http/client-address.js';
import type { Logger } from '../log/index.js';
import type { Policy } from '../policy/index.js';
import type { ModuleService } from '../service/module-service.js';
import { RuntimeBlocks } from '../service/runtime-blocks.js';
import type { Storage } from '../storage/index.js';
import type { ClientSecurity } from './client-security.js';

/**
 * Blocks added at run time (issue 15; docs/block-lists.md): kept in `storage` under
 * `-/blocks/`, merged into `policy`'s deny set, and the service's cached answers dropped at
 * every change. Loaded by `start()` before the server listens, so a stored block applies from
 * the first request; other replicas' changes come by Redis (`coordination.redis_url`) at once,
 * and by polling every `blocks.poll_interval` in any case.
 */
export function buildRuntimeBlocks(
  config: Config,
  storage: Storage,
  policy: Policy,
  service: ModuleService,
  coordinator: Coordinator,
  logger: Logger,
): RuntimeBlocks {
  return new RuntimeBlocks({
    storage,
    policy,
    pollIntervalMs: config.blocks.pollIntervalMs,
    coordinator,
    onChange: () => service.blocksChanged(),
    onProblem: (message, err) =>
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, message),
  });
}

/**
 * The admin actions of the dashboard API (refresh, block, unblock; issue 15), audited to the
 * audit log when it is on, with the client address as the access log has it.
 */
export function buildAdminRoutes(
  blocks: RuntimeBlocks,
  service: ModuleService,
  policy: Policy,
  security: Pick<ClientSecurity, 'audit' | 'clientAddresses'>,
  logger: Logger,
): readonly ApiRoute<never>[] {
  return adminRoutes({
    blocks,
    service,
    policy,
    audit: security.audit,
    logger,
    clientOf: clientAddressOf(security.clientAddresses),
  });
}

/** The client address of a request as the access log has it (trusted proxies honoured). */
function clientAddressOf(addresses: ClientAddresses | undefined): (req: IncomingMessage) => string {
  return (req) => {
    const peer = req.socket.remoteAddress;
    return (addresses?.of(peer, req.headers['x-forwarded-for']) ?? peer) || '';
  };
}
