/**
 * HTTP Basic authentication (RFC 7617) as the go command sends it: from a .netrc entry or
 * a credential source, and from the user information of a GOPROXY or GOSUMDB URL
 * (`https://user:password@host/…`), which net/http's Client turns into an `Authorization`
 * header — the user name and password percent-decoded (url.URL.User holds them unescaped),
 * joined with `:`, UTF-8, base64.
 *
 * This file is the one place URL credentials become a header, so every adapter that takes a
 * URL from configuration strips them from the URL it requests and logs the same way.
 */
import { ModgateError } from '../errors/index.js';
import { redactUrl } from './redact-url.js';

/** The `authorization` header value for HTTP Basic auth. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** A URL without its user information, and the header those credentials make. */
export interface UrlWithoutCredentials {
  /** A copy of the URL with no user name or password (safe to log and to request). */
  readonly url: URL;
  /** `Basic …` when the URL had a user name or password; the value is a secret. */
  readonly authorization?: string;
}

/**
 * Splits the credentials off `url`. A malformed percent-escape in them (`%zz`, which Go's
 * url.Parse refuses) is an `invalid` error that does not quote them.
 */
export function urlCredentials(url: URL | string): UrlWithoutCredentials {
  const copy = new URL(url);
  if (copy.username === '' && copy.password === '') return { url: copy };
  const userinfo = urlUserinfo(copy);
  if (userinfo === undefined) {
    throw new ModgateError(
      'invalid',
      `${redactUrl(copy.href)}: the user name or password has an invalid percent-escape`,
    );
  }
  copy.username = '';
  copy.password = '';
  return { url: copy, authorization: basicAuthorization(userinfo.username, userinfo.password) };
}

/**
 * The user name and password of `url`, percent-decoded (as url.URL.User holds them), or
 * undefined when an escape in them is malformed.
 */
export function urlUserinfo(url: URL): { username: string; password: string } | undefined {
  try {
    return {
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
  } catch {
    return undefined;
  }
}
