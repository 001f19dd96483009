import type { Locale } from './locale.js';
import { DEFAULT_LOCALE, localeOfTag } from './locale.js';

/**
 * The locale of a command's messages, from its environment as POSIX defines it (XBD §8.2):
 * LC_ALL if set and non-empty, else LC_MESSAGES, else LANG. A value is
 * `language[_territory][.codeset][@modifier]`: `zh_CN.UTF-8` → zh-CN, `en_US.UTF-8` → en;
 * `C`, `POSIX`, `C.UTF-8` and anything modgate has no catalog for (`de_DE`, `zh_TW.UTF-8`) →
 * en. The first non-empty variable decides even when it names an unsupported locale: a user
 * with `LC_ALL=C` asked for the plain locale, not for LANG's.
 */
export function localeFromEnv(env: Readonly<Record<string, string | undefined>>): Locale {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const name_ = value.replace(/[.@].*$/, '');
    if (name_ === 'C' || name_ === 'POSIX') return DEFAULT_LOCALE;
    return localeOfTag(name_) ?? DEFAULT_LOCALE;
  }
  return DEFAULT_LOCALE;
}
