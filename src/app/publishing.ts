import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { PublishRouteOptions } from '../http/publish-route.js';
import type { Policy } from '../policy/index.js';
import type { ModuleService } from '../service/module-service.js';
import { Publisher } from '../service/publisher.js';
import type { ValidatorGate } from '../service/validator-gate.js';
import type { Storage } from '../storage/index.js';
import type { HostedSumdb, SumdbLog } from '../sumdb/server/index.js';
import { escapePath } from '../module/index.js';

/**
 * The publish API (issue 14 item 6) from `publish.*`, or undefined when publishing is off.
 * Versions go to the same storage the service serves from, are validated by the validator
 * hook, and are logged in modgate's own checksum database when it is served.
 *
 * Who may publish: `publish.enabled` is the switch; with no client authentication configured
 * every client that reaches modgate may publish (under `publish.modules`, which must also be
 * `private`), recorded as `anonymous`.
 */
export function buildPublishing(
  config: Config,
  service: ModuleService,
  options: {
    storage: Storage;
    policy: Policy;
    spoolDir: string;
    validator: ValidatorGate | undefined;
    own: { log: SumdbLog; hosted: HostedSumdb } | undefined;
    logger: Logger;
  },
): PublishRouteOptions | undefined {
  const { own, logger } = options;
  if (!config.publish.enabled) return undefined;
  const publisher = new Publisher({
    storage: options.storage,
    policy: options.policy,
    spoolDir: options.spoolDir,
    maxZipBytes: config.limits.maxZipBytes,
    validator: options.validator,
    sumdb:
      own === undefined
        ? undefined
        : {
            logged: async (modulePath, version) => {
              const record = await own.log.find(modulePath, version);
              if (record === undefined) return undefined;
              const lines = record.text.toString('utf8').split('\n');
              const hashOf = (suffix: string) =>
                lines
                  .find((l) => l.startsWith(`${modulePath} ${version}${suffix} `))
                  ?.split(' ')[2] ?? '';
              return { h1: hashOf(''), goModH1: hashOf('/go.mod') };
            },
            record: async (modulePath, version) => {
              await own.hosted.lookup(modulePath, version);
            },
          },
    onPublished: async (modulePath) => {
      await service.published({ escapedPath: escapePath(modulePath) });
      logger.info({ module: modulePath }, 'module version published');
    },
  });
  return {
    publisher,
    spoolDir: options.spoolDir,
    maxBytes: config.limits.maxZipBytes,
    authorize: () => ({ ok: true, user: 'anonymous' }),
  };
}
