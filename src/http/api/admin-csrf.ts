import type { IncomingMessage } from 'node:http';
import { ApiProblem } from './api-problem.js';

/** The header the dashboard's pages send with requests that have no JSON body. */
export const ADMIN_REQUEST_HEADER = 'x-modgate-request';

/**
 * Refuses (ApiProblem 403, code `csrf`) a state-changing request a browser could have been
 * made to send by another site (docs/security.md "Forged requests"). Browsers attach the
 * Basic credentials of this server to any request to it, so the request itself must prove it
 * was not forged:
 * - it carries `Content-Type: application/json` or the `X-Modgate-Request` header: a plain
 *   HTML form sends neither, and a script of another origin can send them only after a CORS
 *   preflight, which modgate never grants (it sends no Access-Control-Allow-* headers);
 * - when the browser says where the request comes from, it comes from this server:
 *   `Sec-Fetch-Site` is `same-origin` or `none`, and the host of `Origin` is the `Host`
 *   the request was sent to (the scheme is not compared: a TLS-terminating proxy in front
 *   sees `https` origins on plain HTTP).
 * Scripts (curl, CI) send no Origin and no Sec-Fetch-Site: only the header rule applies.
 */
export function checkNotForged(req: IncomingMessage): void {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw forged(
      `Sec-Fetch-Site is ${JSON.stringify(site)}: admin actions come from this server's own pages only`,
    );
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host === undefined || host === '' || host !== req.headers.host) {
      throw forged(
        `Origin ${JSON.stringify(origin)} is not this server (${req.headers.host ?? 'no Host'})`,
      );
    }
  }
  const json = isJson(req.headers['content-type']);
  if (!json && req.headers[ADMIN_REQUEST_HEADER] === undefined) {
    throw forged(
      'send Content-Type: application/json, or the header X-Modgate-Request: 1 (a request a plain HTML form cannot send)',
    );
  }
}

/** Whether a Content-Type header is `application/json` (parameters such as charset allowed). */
export function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function forged(why: string): ApiProblem {
  return new ApiProblem(403, 'csrf', `refused as a possible cross-site request: ${why}`);
}
