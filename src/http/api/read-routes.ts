import type { ActivityFilter } from '../../dashboard/index.js';
import { badRequest, notFoundProblem } from './api-problem.js';
import type { ApiRequest, ApiRoute } from './api-route.js';
import { moduleTarget, type ModuleTarget } from './module-target.js';
import { sendJson } from './send-json.js';

const GET = Object.freeze(['GET', 'HEAD']);
const MODULES = 'modules/';
/** Page sizes of /-/api/modules: the default, and the most one page holds. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/** A route for one fixed path. */
function fixed(path: string, handle: (r: ApiRequest) => Promise<void> | void): ApiRoute<true> {
  return { methods: GET, match: (p) => (p === path ? true : undefined), handle };
}

/**
 * The read-only routes of the API (docs/api.md): status, modules (search, one module, one
 * version), activity, setup. Every answer is what the asking principal may see: a module they
 * may not read is a 404 like a module that is not stored.
 */
export const READ_ROUTES: readonly ApiRoute<never>[] = [
  fixed('status', async (r) => sendJson(r.res, r.req, 200, await r.data.status())),
  fixed('modules', async (r) => {
    const q = r.query.get('q') ?? '';
    const limit = intParam(r.query, 'limit', DEFAULT_PAGE, 1, MAX_PAGE);
    const cursor = r.query.get('cursor') ?? undefined;
    sendJson(r.res, r.req, 200, await r.data.modules(q, r.principal, { limit, cursor }));
  }),
  {
    methods: GET,
    match: (p) => (p.startsWith(MODULES) && p.length > MODULES.length ? p : undefined),
    handle: async (r, p: string) => {
      const target: ModuleTarget = moduleTarget(p.slice(MODULES.length));
      if (target.version === undefined) {
        const view = await r.data.module(target.path, r.principal);
        if (view === undefined) throw notFoundProblem(`module ${target.path} is not stored here`);
        return sendJson(r.res, r.req, 200, view);
      }
      const view = await r.data.version(target.path, target.version, r.principal);
      if (view === undefined) {
        throw notFoundProblem(`${target.path}@${target.version} is not stored here`);
      }
      sendJson(r.res, r.req, 200, view);
    },
  },
  fixed('activity', (r) => {
    const filter: ActivityFilter = {
      status: r.query.get('status') || undefined,
      module: r.query.get('module') || undefined,
      limit: intParam(r.query, 'limit', 100, 1, 10_000),
    };
    if (filter.status !== undefined && !/^(?:[1-5]xx|[1-5]\d\d|error)$/.test(filter.status)) {
      throw badRequest(`status=${filter.status}: give a class (2xx … 5xx), a status, or error`);
    }
    sendJson(r.res, r.req, 200, r.data.activity(filter, r.principal));
  }),
  fixed('setup', (r) => sendJson(r.res, r.req, 200, r.data.setup(r.principal, r.baseUrl))),
] as readonly ApiRoute<unknown>[] as readonly ApiRoute<never>[];

/** A whole-number query parameter within [min, max]; absent: the default; else a 400. */
function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw badRequest(`${name}=${raw}: give a whole number from ${min} to ${max}`);
  }
  return Math.min(n, max);
}
