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

/**
 * The route of a raw request target (query allowed). Runs once per request on the cached
 * path, so it tests character codes and fixed suffixes at known offsets instead of slicing
 * or searching the whole string.
 */
export function requestRoute(target: string | undefined): RouteIndex {
  if (target === undefined) return RouteIndex.Other;
  let end = target.indexOf('?');
  if (end < 0) end = target.length;
  if (target.startsWith('/sumdb/')) return RouteIndex.Sumdb;
  switch (target.charCodeAt(end - 1)) {
    case 0x74: // t
      if (endsAt(target, end, '/@v/list')) return RouteIndex.List;
      if (endsAt(target, end, '/@latest')) return RouteIndex.Latest;
      break;
    case 0x6f: // o
      if (endsAt(target, end, '.info') && inVersions(target, end)) return RouteIndex.Info;
      break;
    case 0x64: // d
      if (endsAt(target, end, '.mod') && inVersions(target, end)) return RouteIndex.Mod;
      break;
    case 0x70: // p
      if (endsAt(target, end, '.zip') && inVersions(target, end)) return RouteIndex.Zip;
      break;
    case 0x7a: // z
      if (end === 8 && (endsAt(target, end, '/healthz') || endsAt(target, end, '/readyz'))) {
        return RouteIndex.Health;
      }
      if (end === 7 && endsAt(target, end, '/readyz')) return RouteIndex.Health;
      break;
    case 0x73: // s
      if (end === 8 && endsAt(target, end, '/metrics')) return RouteIndex.Metrics;
      break;
  }
  return RouteIndex.Other;
}

/** Whether `target` has `suffix` ending at `end`. */
function endsAt(target: string, end: number, suffix: string): boolean {
  return end >= suffix.length && target.startsWith(suffix, end - suffix.length);
}

/** Whether the last path element before `end` is under `/@v/` (a version's file). */
function inVersions(target: string, end: number): boolean {
  const slash = target.lastIndexOf('/', end - 1);
  return slash >= 3 && target.startsWith('/@v', slash - 3);
}
