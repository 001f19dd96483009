import { createTranslator, type Locale, type Translate } from '../i18n/index.js';
import en, { type DoctorMessages } from './messages/en.js';
import zhCN from './messages/zh-CN.js';

/** A lookup in doctor's catalogs: `t('go.goproxy.http', { url })`. */
export type DoctorTranslate = Translate<DoctorMessages>;

const translators: Record<Locale, DoctorTranslate> = {
  en: createTranslator({ en, 'zh-CN': zhCN }, 'en'),
  'zh-CN': createTranslator({ en, 'zh-CN': zhCN }, 'zh-CN'),
};

/** Doctor's messages in `locale`. */
export function doctorMessages(locale: Locale): DoctorTranslate {
  return translators[locale];
}
