import type { Principal } from '../../policy/index.js';
import type { DashboardRequest } from '../dashboard-request.js';

/** One request under `/-/ui/` (dashboard-routes.ts hands it over); `path` is the whole path. */
export type UiRequest = DashboardRequest;

/** What the pages need besides the read model (app/build-dashboard.ts fills it in). */
export interface UiOptions {
  /** modgate's version, for the footer. */
  readonly version: string;
  /** Whether the server authenticates at all (a users file): the pages offer to sign in. */
  readonly authenticating: boolean;
  /**
   * Whether a browser without credentials is asked for them (401 with the Basic challenge)
   * before any page is shown: set when reads are checked at all (access rules, or a default
   * other than anonymous), so that the dashboard is as closed as the modules it shows.
   */
  readonly signInRequired: boolean;
  /** Whether `principal` has the `admin` permission on `modulePath` (policy.may). */
  mayAdminister(principal: Principal, modulePath: string): boolean;
  /** Told of a page that failed with an unexpected error (for the log). */
  onError?: ((err: unknown, request: UiRequest) => void) | undefined;
}
