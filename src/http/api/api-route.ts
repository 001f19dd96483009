import type { DashboardRequest } from '../dashboard-request.js';

/** One request to the dashboard API (`/-/api/…`); its `path` is the part after `/-/api/`. */
export type ApiRequest = DashboardRequest;

/**
 * A route of the API: `match` is given the method and the path after `/-/api/` and answers
 * undefined when the route does not apply. Routes are tried in order; the first match answers.
 * `methods` lists the methods of its paths, for the Allow header of a 405. Handlers throw
 * ApiProblem (or a ModgateError) for an error answer: the router writes the JSON error.
 */
export interface ApiRoute<P = unknown> {
  readonly methods: readonly string[];
  match(path: string): P | undefined;
  handle(request: ApiRequest, params: P): void | Promise<void>;
}
