import type { Locale } from './locale.js';
import { DEFAULT_LOCALE, localeOfTag } from './locale.js';

/**
 * The locale to answer an HTTP request in, from its Accept-Language header (RFC 9110 §12.5.4):
 * `en-US,en;q=0.9,zh-CN;q=0.8`. The entry with the highest quality that maps to a supported
 * locale wins (ties: the earlier entry); `q=0` means "not this one"; tags modgate has no
 * catalog for, `*`, and malformed entries are skipped. Absent, empty or nothing usable: `en`.
 */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (acceptLanguage === undefined) return DEFAULT_LOCALE;
  let best: Locale | undefined;
  let bestQ = 0;
  for (const entry of acceptLanguage.split(',')) {
    const [tag = '', ...params] = entry.split(';');
    const locale = localeOfTag(tag);
    if (locale === undefined || !/^\s*[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*\s*$/.test(tag)) continue;
    const q = quality(params);
    if (q > bestQ) {
      best = locale;
      bestQ = q;
    }
  }
  return best ?? DEFAULT_LOCALE;
}

/** The `q` parameter's weight (0 to 1, default 1); a malformed weight counts as 0. */
function quality(params: readonly string[]): number {
  for (const p of params) {
    const m = /^\s*q\s*=(.*)$/i.exec(p);
    if (m === null) continue;
    const weight = (m[1] ?? '').trim();
    if (!/^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/.test(weight)) return 0;
    return Number(weight);
  }
  return 1;
}
