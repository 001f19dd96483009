import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import {
  ActivityLog,
  CatalogLoader,
  DashboardReadModel,
  setupView,
  type ClientSettings,
  type StorageView,
  type SumdbRecordSource,
  type SumdbView,
  type UpstreamView,
} from '../dashboard/index.js';
import { gaugeValue, upstreamFigures, type UpstreamFigures } from '../dashboard/metrics-figures.js';
import type { ApiRoute } from '../http/api/index.js';
import type { DashboardRouteOptions } from '../http/dashboard-routes.js';
import type { ModgateMetrics } from '../metrics/index.js';
import { notFound } from '../errors/index.js';
import type { AuthGate } from '../http/auth-gate.js';
import { logRequestFailure } from '../http/log-request-failure.js';
import { uiHandler } from '../http/ui/ui-handler.js';
import type { Policy, Principal } from '../policy/index.js';
import { redactUrl } from '../protocol/redact-url.js';
import type { Storage } from '../storage/index.js';
import type { SumdbClient } from '../sumdb/client/index.js';
import type { SumdbLog } from '../sumdb/server/index.js';
import type { UpstreamHealth } from '../upstream/resilient-upstream.js';
import type { SumdbHealth } from './sumdb-health.js';
import { MODGATE_VERSION } from './version.js';

/**
 * How often the catalog lists storage again, for the writes of other replicas and tools
 * (`modgate warm --data-dir`, `mirror import`): their versions show at most this late. Writes
 * of this process show at once.
 */
export const CATALOG_RESCAN_MS = 120_000;

/** The dashboard's parts made before the service (its storage and gates take them). */
export function dashboardFeeds(
  storage: Storage,
  logger: Logger,
): { catalog: CatalogLoader; activity: ActivityLog } {
  return {
    catalog: new CatalogLoader(storage, { rescanIntervalMs: CATALOG_RESCAN_MS, logger }),
    activity: new ActivityLog(),
  };
}

/** The parts of the app the dashboard reads (build-app.ts hands them over). */
export interface DashboardParts {
  config: Config;
  logger: Logger;
  storage: Storage;
  policy: Policy;
  catalog: CatalogLoader;
  activity: ActivityLog;
  metrics: ModgateMetrics | undefined;
  upstreams: () => UpstreamHealth[];
  sumdbHealth: () => SumdbHealth[];
  /** The clients of the checksum databases (the first is the one verified against, if any). */
  sumdbClients: readonly SumdbClient[];
  verifyAgainst: SumdbClient | undefined;
  own: SumdbLog | undefined;
  /** The client settings for a principal, once listening (the client-config endpoint's). */
  clientSettings: (principal: Principal) => ClientSettings;
  /** API routes beyond the read-only ones: the admin actions (app/build-admin.ts). */
  apiRoutes?: readonly ApiRoute<never>[] | undefined;
  /** The proxy's authentication: the pages ask for credentials as it does. */
  gate: Pick<AuthGate, 'authenticating' | 'checksReads'>;
}

/** The dashboard's routes (issue 15): its read model over the running app's parts. */
export function buildDashboard(parts: DashboardParts): DashboardRouteOptions {
  const { config, storage, metrics } = parts;
  const registry = metrics?.registry;
  const requests = metrics?.requests;
  let firstCount: { bytes: number; at: string } | undefined;
  const storageView = async (): Promise<StorageView> => {
    const view: StorageView = {
      backend: config.storage.backend,
      description: redactUrl(storage.description),
    };
    if (registry === undefined) return view;
    const [bytes, objects, free, size] = await Promise.all([
      gaugeValue(registry, 'modgate_storage_stored_bytes'),
      gaugeValue(registry, 'modgate_storage_stored_objects'),
      gaugeValue(registry, 'modgate_storage_filesystem_free_bytes'),
      gaugeValue(registry, 'modgate_storage_filesystem_size_bytes'),
    ]);
    if (bytes !== undefined && objects !== undefined) {
      view.bytes = bytes;
      view.objects = objects;
      firstCount ??= { bytes, at: new Date().toISOString() };
      view.growth = { bytesSinceStart: bytes - firstCount.bytes, sinceStart: firstCount.at };
    }
    if (free !== undefined && size !== undefined)
      view.filesystem = { freeBytes: free, sizeBytes: size };
    return view;
  };
  const upstreamViews = async (): Promise<UpstreamView[]> => {
    const figures =
      registry === undefined ? new Map<string, UpstreamFigures>() : await upstreamFigures(registry);
    return parts.upstreams().map((h) => upstreamView(h, figures.get(h.upstream)));
  };
  const sumdbViews = async (): Promise<SumdbView[]> => {
    const health = new Map(parts.sumdbHealth().map((h) => [h.name, h]));
    const views = await Promise.all(
      parts.sumdbClients.map(async (client): Promise<SumdbView> => {
        const h = health.get(client.name);
        const head = await client.verifiedHead().catch(() => undefined);
        return {
          name: client.name,
          kind: 'proxied',
          ...(head === undefined || head.size === 0 ? {} : { lastVerifiedTreeSize: head.size }),
          ...(head?.fetchedAt === undefined
            ? {}
            : { lastVerifiedAt: new Date(head.fetchedAt).toISOString() }),
          ...(h === undefined || h.ok ? {} : { lastError: h.lastError }),
        };
      }),
    );
    const own = parts.own;
    if (own !== undefined)
      views.unshift({ name: own.name, kind: 'own', own: { size: own.tree.n } });
    return views;
  };
  const coordinated = config.coordination.redisUrl !== '';
  let coordinationUp = false;
  const data = new DashboardReadModel({
    version: MODGATE_VERSION,
    startedAt: new Date(),
    storage: storageView,
    upstreams: upstreamViews,
    sumdb: sumdbViews,
    coordination: coordinated ? () => ({ kind: 'redis', up: coordinationUp }) : undefined,
    setup: (principal, baseUrl) =>
      setupView(parts.clientSettings(principal), principal.user, baseUrl),
    catalog: parts.catalog,
    rescanIntervalMs: CATALOG_RESCAN_MS,
    policy: parts.policy,
    activity: parts.activity,
    cacheTotals: requests === undefined ? undefined : () => requests.cacheTotals(),
    readFile: (key) => storage.getBytes(key),
    sumdbRecord: sumdbRecordSource(parts),
  });
  const status = data.status.bind(data);
  if (coordinated && registry !== undefined) {
    // Read with the status: the gauge /metrics serves.
    data.status = async () => {
      coordinationUp = (await gaugeValue(registry, 'modgate_coordination_up')) === 1;
      return status();
    };
  }
  // The pages at /-/ui/ (src/http/ui/): closed to anonymous browsers whenever reads are checked.
  const { gate, policy, logger } = parts;
  const ui = uiHandler({
    version: MODGATE_VERSION,
    authenticating: gate.authenticating,
    signInRequired: gate.authenticating && gate.checksReads,
    mayAdminister: (principal, modulePath) => policy.may(principal, 'admin', modulePath),
    onError: (err, request) => logRequestFailure(logger, err, request.id, request.req),
  });
  return { data, logger, apiRoutes: parts.apiRoutes, ui };
}

/**
 * Which checksum database a version's record comes from: modgate's own (its log, never
 * appended to by looking), else the database downloads are verified against (none while
 * `sumdb.verify` is off: a database only proxied for clients is not asked on their behalf) —
 * for a path the policy verifies only, so a private path never reaches a public database.
 * Its lookups share the verification's client and cache: a version verified when stored is
 * answered from the cache.
 */
function sumdbRecordSource(parts: DashboardParts): SumdbRecordSource | undefined {
  const own = parts.own;
  const client = parts.verifyAgainst;
  if (own === undefined && client === undefined) return undefined;
  return async (path, version) => {
    if (own !== undefined) {
      const record = await own.find(path, version);
      if (record === undefined) throw notFound(`${own.name} has not logged ${path}@${version}`);
      const lines = record.text
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '');
      return { db: own.name, lines };
    }
    if (client === undefined || !parts.policy.forModule(path).verify) return undefined;
    return { db: client.name, lines: await client.lookup(path, version) };
  };
}

function upstreamView(
  h: UpstreamHealth,
  f:
    | { requests: number; errors: number; p50Ms?: number | undefined; p99Ms?: number | undefined }
    | undefined,
): UpstreamView {
  const direct = h.upstream === 'direct';
  const view: UpstreamView = {
    name: direct ? 'direct' : redactUrl(h.upstream),
    url: direct ? '' : redactUrl(h.upstream),
    state: h.state === 'closed' ? 'ok' : h.state === 'open' ? 'open' : 'half-open',
    errorRatio: f === undefined || f.requests === 0 ? 0 : f.errors / f.requests,
    requests: f?.requests ?? 0,
  };
  if (f?.p50Ms !== undefined) view.p50Ms = Math.round(f.p50Ms * 100) / 100;
  if (f?.p99Ms !== undefined) view.p99Ms = Math.round(f.p99Ms * 100) / 100;
  if (h.lastError !== undefined) view.lastError = redactUrl(h.lastError);
  return view;
}
