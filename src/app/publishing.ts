import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { PublishAuthorization, PublishRouteOptions } from '../http/publish-route.js';
import { ANONYMOUS, type Policy, type Principal } from '../policy/index.js';
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
 * `private`), recorded as `anonymous`; with it (`auth.users_file`), the `publish` permission
 * of the access rules decides (`access.rules`, `access.default_publish`).
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
    /**
     * The request's principal from its Authorization header (client authentication, issue 14
     * item 1); absent: every client is anonymous.
     */
    authenticate?:
      ((header: string | undefined) => Authenticated | Promise<Authenticated>) | undefined;
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
    authorize: (req, modulePath) =>
      authorizePublish(
        config,
        options.policy,
        options.authenticate,
        req.headers.authorization,
        modulePath,
      ),
  };
}

/** What authentication makes of a request's credentials. */
export type Authenticated =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly status: 400 | 401 | 503; readonly reason: string };

/**
 * The publish permission of one request: anonymous publishing when no users file is
 * configured (publish.enabled being the switch), else the access rules' `publish` grant — a
 * client without credentials is challenged (401), a user without the grant refused (403).
 * With a users file but no authenticator wired, every client is anonymous and so refused
 * unless the rules let anonymous clients publish: it fails closed.
 */
export async function authorizePublish(
  config: Pick<Config, 'auth'>,
  policy: Pick<Policy, 'may'>,
  authenticate:
    ((header: string | undefined) => Authenticated | Promise<Authenticated>) | undefined,
  header: string | undefined,
  modulePath: string,
): Promise<PublishAuthorization> {
  if (config.auth.usersFile === '') return { ok: true, user: 'anonymous' };
  const auth: Authenticated =
    authenticate === undefined ? { ok: true, principal: ANONYMOUS } : await authenticate(header);
  if (!auth.ok) {
    return { ok: false, status: auth.status, body: `authentication failed: ${auth.reason}\n` };
  }
  const user = auth.principal.user;
  if (policy.may(auth.principal, 'publish', modulePath))
    return { ok: true, user: user ?? 'anonymous' };
  if (user === undefined) {
    return {
      ok: false,
      status: 401,
      body: `authentication required: publishing ${modulePath} needs a user with the publish permission (modgate publish --token, or ~/.netrc)\n`,
    };
  }
  return {
    ok: false,
    status: 403,
    body: `forbidden: user ${user} may not publish ${modulePath} (access.rules publish=...)\n`,
  };
}
