import type { IncomingMessage } from 'node:http';
import type { AuditLog, Logger } from '../../log/index.js';
import { matchPrefixPatterns } from '../../module/index.js';
import type { DenyRule, Policy, Principal } from '../../policy/index.js';
import type { RuntimeBlocks } from '../../service/runtime-blocks.js';
import type { StoredBlock } from '../../service/stored-block.js';
import { WWW_AUTHENTICATE } from '../auth-gate.js';
import { statusForError } from '../status-for-error.js';
import { checkNotForged } from './admin-csrf.js';
import { readBlockRequest } from './admin-body.js';
import { refreshModule, type ModuleRefresh } from './admin-refresh.js';
import { ApiProblem, notFoundProblem } from './api-problem.js';
import type { ApiRequest, ApiRoute } from './api-route.js';
import { sendJson } from './send-json.js';

export interface AdminRouteOptions {
  readonly blocks: Pick<RuntimeBlocks, 'list' | 'get' | 'add' | 'remove' | 'sync'>;
  readonly service: ModuleRefresh;
  readonly policy: Pick<Policy, 'may' | 'configuredDeny'>;
  /** The audit log (`audit.enabled`); undefined: none. */
  readonly audit?: AuditLog | undefined;
  readonly logger: Logger;
  /** The client address of a request (X-Forwarded-For from trusted proxies only). */
  readonly clientOf: (req: IncomingMessage) => string;
}

/** A block as the API shows it: a stored one, or a configured `deny` rule (id `deny-N`). */
export type BlockView =
  | (StoredBlock & { readonly source: 'runtime' })
  | {
      readonly id: string;
      readonly module: string;
      readonly versions: string;
      readonly reason: string;
      readonly source: 'config';
    };

/** What an admin action is about, filled in as the request is read (for the audit line). */
interface Acted {
  module: string;
  versions?: string | undefined;
  blockId?: string | undefined;
  reason?: string | undefined;
}

const CONFIGURED_ID = /^deny-(\d+)$/;

/**
 * The admin actions of the API (issue 15; docs/api.md "Admin actions"), routes joined after
 * the read-only ones:
 * - `GET /-/api/blocks[?module=PATH]`: the blocks (stored and configured) on paths the asker
 *   administers; with `module`, those matching it and whether the asker administers it;
 * - `POST /-/api/blocks` `{module, versions, reason}` → 201 `{block}`;
 * - `DELETE /-/api/blocks/<id>` → 200 `{block}` (configured `deny-N` rules: 409);
 * - `POST /-/api/modules/<path>/refresh` → 200 `{module, versions}`.
 * Each needs the `admin` permission on the module path (every pattern of a block's module,
 * checked as a path); without it 401 (no credentials, with the Basic challenge) or 403, and
 * nothing changes. State-changing requests must not be forgeable (admin-csrf.ts). Every action,
 * done or refused, is an audit line; a done one an info line of the process log.
 */
export function adminRoutes(options: AdminRouteOptions): readonly ApiRoute<never>[] {
  const { blocks, policy } = options;
  const administers = (principal: Principal, module: string): boolean =>
    patternsOf(module).every((p) => policy.may(principal, 'admin', p));

  /** Throws 401 / 403 unless `principal` administers every pattern of `module`. */
  const authorize = (r: ApiRequest, module: string): void => {
    const refused = patternsOf(module).find((p) => !policy.may(r.principal, 'admin', p));
    if (refused === undefined) return;
    const user = r.principal.user;
    if (user === undefined) {
      r.res.setHeader('www-authenticate', WWW_AUTHENTICATE);
      throw new ApiProblem(
        401,
        'unauthenticated',
        `authentication required: administering ${refused} needs a user with the admin permission`,
      );
    }
    throw new ApiProblem(
      403,
      'forbidden',
      `forbidden: user ${user} may not administer ${refused} (access.rules admin=...)`,
    );
  };

  const views = (): BlockView[] => [
    ...policy.configuredDeny.map(configuredView),
    ...blocks.list().map((b) => ({ ...b, source: 'runtime' as const })),
  ];

  /** Runs an admin action: the CSRF check, the audit line and the log line around it. */
  const action =
    <P>(
      file: 'block' | 'unblock' | 'refresh',
      run: (r: ApiRequest, p: P, acted: Acted) => Promise<number>,
    ) =>
    async (r: ApiRequest, params: P): Promise<void> => {
      const acted: Acted = { module: '' };
      let status = 500;
      try {
        checkNotForged(r.req);
        status = await run(r, params, acted);
      } catch (err) {
        status = err instanceof ApiProblem ? err.status : statusForError(err);
        throw err;
      } finally {
        const client = options.clientOf(r.req);
        options.audit?.write({
          reqId: r.id,
          user: r.principal.user,
          client,
          module: acted.module,
          version: acted.versions,
          file,
          status,
          blockId: acted.blockId,
          reason: acted.reason,
        });
        if (status < 300) {
          const { module, versions, blockId, reason } = acted;
          options.logger.info(
            {
              reqId: r.id,
              user: r.principal.user ?? 'anonymous',
              client,
              action: file,
              module,
              versions,
              blockId,
              reason,
            },
            `admin: ${file} ${module}`,
          );
        }
      }
    };

  const list: ApiRoute<true> = {
    methods: ['GET', 'HEAD', 'POST'],
    match: (p) => (p === 'blocks' ? true : undefined),
    handle: (r, p) => (r.req.method === 'POST' ? add(r, p) : listBlocks(r)),
  };
  const listBlocks = (r: ApiRequest): void => {
    const module = r.query.get('module') ?? '';
    const shown = views().filter(
      (v) =>
        administers(r.principal, v.module) &&
        (module === '' || matchPrefixPatterns(v.module, module)),
    );
    const admin = module === '' ? {} : { module, admin: administers(r.principal, module) };
    sendJson(r.res, r.req, 200, { ...admin, blocks: shown });
  };
  const add = action<true>('block', async (r, _p, acted) => {
    const input = await readBlockRequest(r.req);
    Object.assign(acted, { module: input.module, versions: input.versions, reason: input.reason });
    authorize(r, input.module);
    const block = await blocks.add(input, r.principal.user ?? 'anonymous');
    acted.blockId = block.id;
    r.res.setHeader('location', `/-/api/blocks/${block.id}`);
    sendJson(r.res, r.req, 201, { block: { ...block, source: 'runtime' } });
    return 201;
  });

  const one: ApiRoute<string> = {
    methods: ['DELETE'],
    match: (p) => (p.startsWith('blocks/') && p.length > 7 ? p.slice(7) : undefined),
    handle: action<string>('unblock', async (r, raw, acted) => {
      const id = safeDecode(raw);
      acted.blockId = id;
      const configured = CONFIGURED_ID.exec(id);
      const rule = configured && policy.configuredDeny[Number(configured[1]) - 1];
      if (rule) {
        acted.module = rule.module;
        throw new ApiProblem(
          409,
          'configured',
          `${id} is a deny rule of the configuration (deny[${rule.index}]): it cannot be removed at run time; remove it from the configuration and restart modgate`,
        );
      }
      let block = blocks.get(id);
      if (block === undefined) {
        await blocks.sync(); // perhaps added by another replica since the last poll
        block = blocks.get(id);
      }
      if (block === undefined) throw notFoundProblem(`no block ${JSON.stringify(id)}`);
      Object.assign(acted, {
        module: block.module,
        versions: block.versions,
        reason: block.reason,
      });
      authorize(r, block.module);
      const removed = await blocks.remove(id);
      if (removed === undefined) throw notFoundProblem(`no block ${JSON.stringify(id)}`);
      sendJson(r.res, r.req, 200, { block: { ...removed, source: 'runtime' } });
      return 200;
    }),
  };

  const refresh: ApiRoute<string> = {
    methods: ['POST'],
    match: (p) => {
      const m = /^modules\/(.+)\/refresh$/.exec(p);
      return m?.[1];
    },
    handle: action<string>('refresh', async (r, rest, acted) => {
      return refreshModule(r, rest, acted, options.service, (module) => authorize(r, module));
    }),
  };

  return [list, one, refresh] as readonly ApiRoute<unknown>[] as readonly ApiRoute<never>[];
}

function configuredView(rule: DenyRule): BlockView {
  return {
    id: `deny-${rule.index + 1}`,
    module: rule.module,
    versions: rule.versions.text,
    reason: rule.reason,
    source: 'config',
  };
}

/** The patterns of a block's `module` (comma-separated, GOPRIVATE syntax), trailing `/` off. */
function patternsOf(module: string): string[] {
  const patterns = module
    .split(',')
    .map((p) => p.trim().replace(/\/$/, ''))
    .filter((p) => p !== '');
  return patterns.length === 0 ? [''] : patterns;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
