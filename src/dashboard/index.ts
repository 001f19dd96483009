/**
 * The dashboard's read model (issue 15): what the pages at `/-/ui/` and the JSON API at
 * `/-/api/` show — status, the catalog of stored modules, version details, recent activity,
 * client setup — as plain views (dashboard-data.ts, the contract), each filtered by what the
 * asking principal may read. A service-level layer: it reads storage, the service's writes,
 * the metrics objects and the policy; it knows nothing of HTTP.
 *
 * - catalog, catalog-loader: the index of stored modules (one listing at start and every
 *   rescan, the writes of this process in between);
 * - activity-log: recent requests and errors, top modules (bounded);
 * - version-sumdb: a version's checksum database record and whether it matches;
 * - setup-view: the client lines, from the client-config endpoint's settings.
 */
export * from './dashboard-data.js';
export { ActivityLog, type ActivityEntry } from './activity-log.js';
export { Catalog } from './catalog.js';
export { CatalogLoader, type CatalogLoaderOptions } from './catalog-loader.js';
export { DashboardReadModel, type ReadModelSources } from './dashboard-read-model.js';
export { setupView, shellWord, type ClientSettings } from './setup-view.js';
export type { SumdbRecordSource } from './version-sumdb.js';
