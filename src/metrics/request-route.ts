/**
 * The `route` label of a request: the kind of thing asked for, read from the shape of the
 * request target alone (a GOPROXY path ends in `/@v/list`, `/@latest`, or `/@v/<version>` with
 * `.info`, `.mod` or `.zip`). Never the module path itself: the label's values are this fixed
 * set. A target of a GOPROXY shape that turns out invalid (404) still counts under its kind.
 */
export const ROUTES = Object.freeze([
  'list',
  'info',
  'mod',
  'zip',
  'latest',
  'sumdb',
  'health',
  'metrics',
  'other',
] as const);

export type Route = (typeof ROUTES)[number];

/** Indexes into ROUTES. */
export const RouteIndex = Object.freeze({
  List: 0,
  Info: 1,
  Mod: 2,
  Zip: 3,
  Latest: 4,
  Sumdb: 5,
  Health: 6,
  Metrics: 7,
  Other: 8,
} as const);

export type RouteIndex = (typeof RouteIndex)[keyof typeof RouteIndex];

/** The route of a raw request target (query allowed); cheap: a few suffix tests. */
export function requestRoute(target: string | undefined): RouteIndex {
  if (target === undefined) return RouteIndex.Other;
  const q = target.indexOf('?');
  const path = q >= 0 ? target.slice(0, q) : target;
  if (path.startsWith('/sumdb/')) return RouteIndex.Sumdb;
  if (path.endsWith('/@v/list')) return RouteIndex.List;
  if (path.endsWith('/@latest')) return RouteIndex.Latest;
  if (path.includes('/@v/')) {
    if (path.endsWith('.info')) return RouteIndex.Info;
    if (path.endsWith('.mod')) return RouteIndex.Mod;
    if (path.endsWith('.zip')) return RouteIndex.Zip;
    return RouteIndex.Other;
  }
  if (path === '/healthz' || path === '/readyz') return RouteIndex.Health;
  if (path === '/metrics') return RouteIndex.Metrics;
  return RouteIndex.Other;
}
