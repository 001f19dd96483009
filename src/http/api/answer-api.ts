import { errorKind } from '../../errors/index.js';
import { statusForError } from '../status-for-error.js';
import { ApiProblem } from './api-problem.js';
import type { ApiRequest, ApiRoute } from './api-route.js';
import { sendJsonError } from './send-json.js';

/**
 * Answers a request under `/-/api/`: the first route whose path matches and which serves the
 * method (HEAD is served as GET without a body) answers; a path some route matches but not
 * with this method is a 405 with Allow; no route is a 404. Errors are JSON (docs/api.md
 * "Errors"): an ApiProblem as it says, a ModgateError by its kind, anything else a 500 that
 * names the request id only.
 */
export async function answerApi(
  request: ApiRequest,
  routes: readonly ApiRoute<never>[],
  onInternalError: (err: unknown) => void,
): Promise<void> {
  const { req, res } = request;
  const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
  const allowed = new Set<string>();
  try {
    for (const route of routes) {
      const params = route.match(request.path);
      if (params === undefined) continue;
      if (!route.methods.includes(method)) {
        for (const m of route.methods) allowed.add(m);
        continue;
      }
      await route.handle(request, params as never);
      return;
    }
    if (allowed.size > 0) {
      res.setHeader('allow', [...allowed].join(', '));
      return sendJsonError(res, req, 405, 'method-not-allowed', `${method} is not allowed here`);
    }
    sendJsonError(res, req, 404, 'not-found', `no API route /-/api/${request.path}`);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof ApiProblem)
      return sendJsonError(res, req, err.status, err.code, err.message);
    const kind = errorKind(err);
    if (kind === 'internal') onInternalError(err);
    const message =
      kind === 'internal' || !(err instanceof Error)
        ? `internal error (request id ${request.id})`
        : err.message;
    sendJsonError(res, req, statusForError(err), kind, message);
  }
}
