import {
  createTranslator,
  type Catalogs,
  type Locale,
  type Translate,
  LOCALES,
} from '../../i18n/index.js';
import en from './messages/en.js';
import zhCN from './messages/zh-CN.js';

/** The dashboard's catalogs, one per locale modgate speaks. */
export const UI_CATALOGS: Catalogs<typeof en> = { en, 'zh-CN': zhCN };

/** A lookup in the dashboard's catalog for one locale. */
export type UiTranslate = Translate<typeof en>;

const translators = new Map<Locale, UiTranslate>(
  LOCALES.map((l) => [l, createTranslator(UI_CATALOGS, l)]),
);

/** The lookup for `locale` (made once per locale). */
export function uiTranslator(locale: Locale): UiTranslate {
  return translators.get(locale) ?? createTranslator(UI_CATALOGS, locale);
}
