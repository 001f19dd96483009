import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../policy/index.js';
import { handleSumdbRequest } from '../sumdb/proxy/index.js';
import { readableFeed, sendDenial } from './auth-gate.js';
import { sumdbDenial } from './auth-sumdb.js';
import { answerDashboardRoute, DASHBOARD_PREFIX } from './dashboard-routes.js';
import { sendIndexFeed } from './index-feed-handler.js';
import { logRequestFailure } from './log-request-failure.js';
import type { ProxyServerOptions } from './proxy-server-options.js';
import type { Readiness } from './readiness.js';
import { sendError } from './send-error.js';
import { sendMetrics } from './send-metrics.js';
import { sendText } from './send-text.js';

/** No module path starts with a dot, so this never shadows a GOPROXY path (doctor --server reads it). */
const CLIENT_CONFIG = '/.well-known/modgate/client-config';

const USAGE = `modgate: a Go module proxy.
Point the go command at this server:  GOPROXY=<this URL>  (see the README)
Health: /healthz (process), /readyz (storage, upstreams), /version
`;

/** A request for a route that is not a GOPROXY module path, with who asks. */
export interface OtherRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly id: string;
  readonly principal: Principal;
}

/**
 * Every route of the proxy listener besides GOPROXY module paths: the dashboard under `/-/`
 * (dashboard-routes.ts, any method), methods other than GET and HEAD (405), health and version, metrics (when on this listener), usage, the index feed, the
 * client configuration, the checksum databases (with their access checks), else 404.
 */
export async function answerOtherRoute(
  options: ProxyServerOptions,
  readiness: Readiness,
  { req, res, id, principal }: OtherRequest,
): Promise<void> {
  res.setHeader('x-request-id', id);
  try {
    const dashboard = options.dashboard;
    if (dashboard !== undefined && req.url?.startsWith(DASHBOARD_PREFIX) === true) {
      return await answerDashboardRoute(dashboard, { req, res, id, principal });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      res.statusCode = 405;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(`method ${req.method ?? ''} not allowed: a GOPROXY serves GET and HEAD only\n`);
      return;
    }
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
    if (path === '/healthz') return sendText(res, req, 200, 'ok\n');
    const version = path === '/version' ? options.version : undefined;
    if (version !== undefined) return sendText(res, req, 200, version, 'json');
    if (path === '/readyz') {
      await readiness.answer(req, res);
      return options.metrics?.service.readiness(res.statusCode === 200);
    }
    const metrics = options.metricsRoute === true ? options.metrics : undefined;
    if (path === '/metrics' && metrics !== undefined) return await sendMetrics(res, req, metrics);
    if (path === '/') return sendText(res, req, 200, USAGE);
    if (path === '/index' && options.indexFeed !== undefined) {
      const route = readableFeed(options.gate, principal, options.indexFeed);
      return await sendIndexFeed(req, res, rawUrl, route);
    }
    const clientConfig = path === CLIENT_CONFIG ? options.clientConfig?.(principal) : undefined;
    if (clientConfig !== undefined) return sendText(res, req, 200, clientConfig, 'json');
    if (path.startsWith('/sumdb/') && options.sumdb) {
      const gate = options.gate;
      const denial = gate && sumdbDenial(gate, principal, path, options.sumdb);
      if (denial !== undefined) return sendDenial(res, req, denial, id);
      const answer = await handleSumdbRequest(path, options.sumdb);
      res.writeHead(answer.status, answer.headers);
      res.end(req.method === 'HEAD' ? undefined : answer.body);
      return;
    }
    return sendText(res, req, 404, `not found: ${path} is not a GOPROXY path\n`);
  } catch (err) {
    logRequestFailure(options.logger, err, id, req);
    sendError(res, err, id);
  }
}
