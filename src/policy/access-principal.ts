/**
 * Who is asking: the user a request authenticated as (http/auth*), with the groups the users
 * file gives them, or nobody (`ANONYMOUS`: no credentials were sent). Access rules
 * (access-rules.ts) decide on a Principal only, never on credentials.
 */
export interface Principal {
  /** The user name from the users file; undefined for an anonymous request. */
  readonly user: string | undefined;
  /** The user's groups (none for an anonymous request). */
  readonly groups: readonly string[];
}

/** The principal of a request that sent no credentials. */
export const ANONYMOUS: Principal = Object.freeze({ user: undefined, groups: Object.freeze([]) });

/**
 * What a principal may do with a module path. `admin`: the dashboard's admin actions on it
 * (refresh its list, block and unblock its versions; issue 15).
 */
export type AccessAction = 'read' | 'publish' | 'admin';
