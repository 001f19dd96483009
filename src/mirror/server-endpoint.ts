import { urlCredentials } from '../protocol/basic-auth.js';

/** A server named on the command line: its base URL without credentials, and the headers to send. */
export interface ServerEndpoint {
  /** The URL without credentials and without trailing slashes; request paths are appended. */
  readonly base: string;
  /** `authorization` (Basic) when the URL carried credentials; nothing else. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Parses `server` (the value of command-line option `option`, for the message): an http(s)
 * URL whose credentials (`https://user:token@host/`) become basic authentication and so never
 * appear in request URLs or errors.
 */
export function serverEndpoint(server: string, option: string): ServerEndpoint {
  const { url, authorization } = urlCredentials(server);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${option} must be an http(s) URL, not ${url.protocol}`);
  }
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  return { base: url.href.replace(/\/+$/, ''), headers };
}
