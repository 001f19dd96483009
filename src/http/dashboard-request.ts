import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DashboardData } from '../dashboard/index.js';
import type { Principal } from '../policy/index.js';

/** One request to a dashboard route (`/-/api/…`, `/-/ui/…`), authenticated already. */
export interface DashboardRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The request id (X-Request-Id), for logs and internal errors. */
  readonly id: string;
  readonly principal: Principal;
  /**
   * The request path, query left out: the whole path (`/-/ui/modules`) for the pages, the part
   * after `/-/api/`, still percent-encoded (`modules/github.com/x/y`), for the JSON API.
   */
  readonly path: string;
  readonly query: URLSearchParams;
  /** `http(s)://<Host>` as the client reached this server (for the setup lines). */
  readonly baseUrl: string;
  readonly data: DashboardData;
}
