import type { IncomingMessage } from 'node:http';
import { negotiateLocale, parseLocale, type Locale } from '../../i18n/index.js';

/** The cookie that remembers a reader's explicit choice of language. */
export const LANG_COOKIE = 'modgate_lang';

/** The language of one page, and the Set-Cookie to send when the reader just chose it. */
export interface UiLocale {
  locale: Locale;
  setCookie?: string | undefined;
}

/**
 * Which language a page is written in: `?lang=` (the switch link; remembered in a cookie for a
 * year), else the cookie, else the browser's Accept-Language (RFC 9110 §12.5.4), else English.
 * An unknown `?lang=` value is ignored rather than refused: the page still answers.
 */
export function uiLocale(req: IncomingMessage, query: URLSearchParams): UiLocale {
  const asked = query.get('lang');
  const chosen = asked === null ? undefined : parseLocale(asked);
  if (chosen !== undefined) {
    return {
      locale: chosen,
      setCookie: `${LANG_COOKIE}=${chosen}; Path=/-/ui/; Max-Age=31536000; SameSite=Lax`,
    };
  }
  const remembered = cookie(req.headers.cookie, LANG_COOKIE);
  const fromCookie = remembered === undefined ? undefined : parseLocale(remembered);
  if (fromCookie !== undefined) return { locale: fromCookie };
  return { locale: negotiateLocale(req.headers['accept-language']) };
}

function cookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
