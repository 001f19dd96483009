import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DashboardData } from '../../dashboard/index.js';
import type { Principal } from '../../policy/index.js';

/** One request to the dashboard API (`/-/api/…`), authenticated already. */
export interface ApiRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The request id (X-Request-Id), for logs and internal errors. */
  readonly id: string;
  readonly principal: Principal;
  /** The path after `/-/api/`, still percent-encoded (e.g. `modules/github.com/x/y`). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The URL the client reached this server with (scheme and Host), for the setup lines. */
  readonly baseUrl: string;
  readonly data: DashboardData;
}

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
