import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { escapePath, escapeVersion } from '../module/index.js';
import type { ModuleService } from '../service/module-service.js';
import { ValidatorClient } from '../service/validator-client.js';
import { ValidatorGate } from '../service/validator-gate.js';
import { hashGoMod } from '../zip/index.js';

/**
 * The validator hook from `validator.*` (issue 14 item 3), or undefined when no URL is set.
 * `service` is asked for a version's go.mod (its `h1:` goes to the validator with the zip's);
 * it is read when a zip is checked, so it may be built after the gate.
 */
export function buildValidator(
  config: Config,
  logger: Logger,
  service: () => ModuleService,
): ValidatorGate | undefined {
  if (config.validator.url === '') return undefined;
  return new ValidatorGate({
    client: new ValidatorClient({
      url: config.validator.url,
      timeoutMs: config.validator.timeoutMs,
      failOpen: config.validator.failOpen,
    }),
    privateService: config.validator.privateService,
    vetoTtlMs: config.cache.notFoundTtlMs,
    logger,
    goModHash: async (modulePath, version) => {
      const file = {
        modulePath,
        escapedPath: escapePath(modulePath),
        version,
        escapedVersion: escapeVersion(version),
      };
      const mod = await service().answer({ kind: 'mod', ...file });
      return hashGoMod(mod.body ?? Buffer.alloc(0));
    },
  });
}
