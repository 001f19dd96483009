import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { DashboardData } from '../dashboard/index.js';
import { answerApi, READ_ROUTES, type ApiRoute } from './api/index.js';
import type { DashboardRequest } from './dashboard-request.js';
import { logRequestFailure } from './log-request-failure.js';

/**
 * Everything under `/-/` besides the publish API: the dashboard's pages (`/-/ui/`) and JSON
 * API (`/-/api/`). No module path can start with `-` (x/mod module.CheckPath: "leading dash
 * in first path element"), so no GOPROXY path is ever shadowed.
 */
export const DASHBOARD_PREFIX = '/-/';
const API = '/-/api/';
const UI = '/-/ui/';

export type { DashboardRequest };

/** What the dashboard routes are built from (app/build-app.ts fills it in). */
export interface DashboardRouteOptions {
  readonly data: DashboardData;
  /** API routes beyond the read-only ones (the admin actions), tried after them. */
  readonly apiRoutes?: readonly ApiRoute<never>[] | undefined;
  /** The pages at `/-/ui/` (src/http/ui/); undefined: a placeholder page. */
  readonly ui?: ((request: DashboardRequest) => void | Promise<void>) | undefined;
  readonly logger: Logger;
}

/** Answers a request whose path starts with `/-/` (any method; each route says which it takes). */
export async function answerDashboardRoute(
  options: DashboardRouteOptions,
  base: Omit<DashboardRequest, 'path' | 'query' | 'baseUrl' | 'data'>,
): Promise<void> {
  const { req, res } = base;
  const target = req.url ?? '/';
  const url = new URL(target, 'http://modgate.invalid');
  const path = url.pathname;
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  const host = req.headers.host ?? 'localhost';
  const request: DashboardRequest = {
    ...base,
    path,
    query: url.searchParams,
    baseUrl: `${tls ? 'https' : 'http'}://${host}`,
    data: options.data,
  };
  if (path.startsWith(API)) {
    const routes =
      options.apiRoutes === undefined ? READ_ROUTES : [...READ_ROUTES, ...options.apiRoutes];
    return answerApi({ ...request, path: path.slice(API.length) }, routes, (err) =>
      logRequestFailure(options.logger, err, base.id, req),
    );
  }
  if (path.startsWith(UI) && options.ui !== undefined) return options.ui(request);
  if (path === '/-/' || path === '/-/ui' || path === UI) {
    if (path !== UI) {
      res.statusCode = 302;
      res.setHeader('location', UI);
      res.end();
      return;
    }
    return placeholder(req, res);
  }
  res.statusCode = 404;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(req.method === 'HEAD' ? undefined : `not found: ${path}\n`);
}

/** Until the pages exist: a page pointing at the API. */
function placeholder(req: IncomingMessage, res: ServerResponse): void {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>modgate</title></head><body><main><h1>modgate</h1><p>The dashboard's pages are coming. Its JSON API: <a href="/-/api/status">/-/api/status</a>, <a href="/-/api/modules">/-/api/modules</a>, <a href="/-/api/setup">/-/api/setup</a>.</p></main></body></html>\n`;
  res.statusCode = 200;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}
