/**
 * Languages: which one a reader wants, and messages in it. modgate speaks English and
 * Simplified Chinese (issue 15): the dashboard picks by the browser's Accept-Language
 * (negotiateLocale) or an explicit choice, `modgate doctor` by LC_ALL / LC_MESSAGES / LANG
 * (localeFromEnv) or `--lang` (parseLocale).
 *
 * Messages live in catalogs next to the code that prints them, one file per locale in a
 * `messages/` folder (`src/doctor/messages/en.ts`, `…/zh-CN.ts`), each exporting its catalog
 * as the module's default export. test/i18n finds every such folder and checks that its
 * catalogs hold the same keys with the same placeholders (assertSameKeys), so a new catalog is
 * covered without registering it.
 *
 * What stays English: the texts the proxy sends to the go command (the go command prints them
 * inside its own English error lines), log lines, metric names, and every machine-readable
 * output (JSON bodies' codes, `modgate doctor --json`).
 *
 * Pure: no I/O; the environment and headers are handed in.
 */
export type { Locale } from './locale.js';
export { DEFAULT_LOCALE, LOCALES, localeOfTag, parseLocale } from './locale.js';
export { negotiateLocale } from './negotiate-locale.js';
export { localeFromEnv } from './locale-from-env.js';
export type {
  Catalog,
  Catalogs,
  MessageArgs,
  Params,
  PlaceholderNames,
  Translate,
  Translation,
} from './catalog.js';
export { createTranslator, formatMessage, placeholdersOf } from './catalog.js';
export { assertSameKeys, catalogDifferences } from './assert-same-keys.js';
