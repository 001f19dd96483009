/** The kinds of request a span (and a metric) names: a small fixed set, never a module path. */
export type RouteKind =
  'list' | 'info' | 'mod' | 'zip' | 'latest' | 'sumdb' | 'health' | 'metrics' | 'other';

/** The route kind of a request path (no query), by the GOPROXY URL layout. */
export function routeKind(path: string): RouteKind {
  if (path.startsWith('/sumdb/')) return 'sumdb';
  if (path.endsWith('/@v/list')) return 'list';
  if (path.endsWith('/@latest')) return 'latest';
  if (path.includes('/@v/')) {
    if (path.endsWith('.info')) return 'info';
    if (path.endsWith('.mod')) return 'mod';
    if (path.endsWith('.zip')) return 'zip';
  }
  if (path === '/healthz' || path === '/readyz') return 'health';
  if (path === '/metrics') return 'metrics';
  return 'other';
}
