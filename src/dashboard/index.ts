/**
 * The dashboard's read model (issue 15): what the pages at `/-/ui/` and the JSON API at
 * `/-/api/` show — status, the catalog of stored modules, version details, recent activity,
 * client setup — as plain views (dashboard-data.ts, the contract), each filtered by what the
 * asking principal may read. A service-level layer: it reads storage, the service's events,
 * the metrics objects and the policy; it knows nothing of HTTP.
 */
export * from './dashboard-data.js';
export { DashboardReadModel, type ReadModelSources } from './dashboard-read-model.js';
export { setupView, shellWord, type ClientSettings } from './setup-view.js';
