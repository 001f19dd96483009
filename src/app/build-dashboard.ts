import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import {
  DashboardReadModel,
  setupView,
  type ClientSettings,
  type SumdbView,
  type UpstreamView,
} from '../dashboard/index.js';
import type { ApiRoute } from '../http/api/index.js';
import type { DashboardRouteOptions } from '../http/dashboard-routes.js';
import type { Principal } from '../policy/index.js';
import { redactUrl } from '../protocol/redact-url.js';
import type { Storage } from '../storage/index.js';
import type { UpstreamHealth } from '../upstream/resilient-upstream.js';
import type { SumdbHealth } from './sumdb-health.js';
import { MODGATE_VERSION } from './version.js';

/** The parts of the app the dashboard reads (build-app.ts hands them over). */
export interface DashboardParts {
  config: Config;
  logger: Logger;
  storage: Storage;
  upstreams: () => UpstreamHealth[];
  sumdb: () => SumdbHealth[];
  /** The client settings for a principal, once listening (the client-config endpoint's). */
  clientSettings: (principal: Principal) => ClientSettings;
  /** API routes beyond the read-only ones: the admin actions (app/build-admin.ts). */
  apiRoutes?: readonly ApiRoute<never>[] | undefined;
}

/** The dashboard's routes (issue 15): its read model over the running app's parts. */
export function buildDashboard(parts: DashboardParts): DashboardRouteOptions {
  const { config, storage } = parts;
  const data = new DashboardReadModel({
    version: MODGATE_VERSION,
    startedAt: new Date(),
    storage: () => ({
      backend: config.storage.backend,
      description: redactUrl(storage.description),
    }),
    upstreams: () => parts.upstreams().map(upstreamView),
    sumdb: () => parts.sumdb().map(sumdbView),
    setup: (principal, baseUrl) =>
      setupView(parts.clientSettings(principal), principal.user, baseUrl),
  });
  return { data, logger: parts.logger, apiRoutes: parts.apiRoutes };
}

function upstreamView(h: UpstreamHealth): UpstreamView {
  const direct = h.upstream === 'direct';
  return {
    name: direct ? 'direct' : redactUrl(h.upstream),
    url: direct ? '' : redactUrl(h.upstream),
    state: h.state === 'closed' ? 'ok' : h.state === 'open' ? 'open' : 'half-open',
    errorRatio: 0,
    requests: 0,
    ...(h.lastError === undefined ? {} : { lastError: redactUrl(h.lastError) }),
  };
}

function sumdbView(h: SumdbHealth): SumdbView {
  return { name: h.name, kind: 'proxied', ...(h.ok ? {} : { lastError: h.lastError }) };
}
