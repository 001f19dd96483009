/**
 * The dashboard's JSON API under `/-/api/` (issue 15; docs/api.md): the read-only routes
 * (read-routes.ts) over the read model of src/dashboard/, and the route table other routes
 * (admin actions) join. Every body carries `"api": 1`; errors are JSON with a code.
 */
export { answerApi } from './answer-api.js';
export { ApiProblem, badRequest, notFoundProblem } from './api-problem.js';
export type { ApiRequest, ApiRoute } from './api-route.js';
export { moduleTarget, type ModuleTarget } from './module-target.js';
export { READ_ROUTES } from './read-routes.js';
export { API_VERSION, sendJson, sendJsonError } from './send-json.js';
