/** The languages modgate speaks: English, and Simplified Chinese as used in mainland China. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** What every lookup falls back to, and what an unknown or absent preference gets. */
export const DEFAULT_LOCALE: Locale = 'en';

/**
 * The supported locale a language tag asks for, or undefined when modgate has none for it.
 * Accepts BCP 47 tags (`zh-Hans-CN`, `en-GB`) and POSIX names (`zh_CN`), case-insensitively.
 *
 * Chinese: `zh`, `zh-CN`, `zh-SG`, `zh-MY` and anything in the Hans script are Simplified
 * Chinese. `zh-TW`, `zh-HK`, `zh-MO` and the Hant script ask for Traditional characters and
 * regional wording (軟體 not 软件, 資料庫 not 数据库); modgate has no Traditional catalog, and
 * a reader who asked for Traditional script is not served by guessing that Simplified will do,
 * so those tags match nothing here — a later entry of the same preference list (often `en` or
 * `zh-CN`) still can. The script subtag wins over the region: `zh-Hans-TW` is Simplified.
 */
export function localeOfTag(tag: string): Locale | undefined {
  const parts = tag.trim().toLowerCase().split(/[-_]/);
  const language = parts[0];
  if (language === 'en') return 'en';
  if (language !== 'zh') return undefined;
  const rest = parts.slice(1);
  if (rest.includes('hans')) return 'zh-CN';
  if (rest.includes('hant')) return undefined;
  if (rest.some((p) => p === 'tw' || p === 'hk' || p === 'mo')) return undefined;
  return 'zh-CN';
}

/**
 * A locale named exactly (a `--lang` option, a `?lang=` parameter): `en` or `zh-CN`, case and
 * `_`/`-` aside, so `zh_cn` is accepted too. Undefined for anything else — the caller says so
 * clearly rather than guessing.
 */
export function parseLocale(value: string): Locale | undefined {
  const wanted = value.trim().toLowerCase().replace('_', '-');
  return LOCALES.find((l) => l.toLowerCase() === wanted);
}
