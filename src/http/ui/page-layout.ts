import { LOCALES, type Locale } from '../../i18n/index.js';
import { html, type SafeHtml } from './html.js';
import { ASSET_URLS } from './ui-assets.js';
import type { UiPageContext, UiSection } from './ui-page-context.js';
import { uiUrls } from './ui-urls.js';

/** Each language's name in itself: what a reader looks for in a language switch. */
const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', 'zh-CN': '中文' };

/**
 * The document around every page: a skip link, the header (banner landmark) with the
 * navigation and the language switch, the page's main landmark, the footer. The style sheet
 * and the script are modgate's own files; `<html lang>` names the page's language.
 */
export function pageLayout(
  ctx: UiPageContext,
  page: { title: string; section: UiSection | undefined; body: SafeHtml },
): string {
  const { t } = ctx;
  const nav: [UiSection, string, string][] = [
    ['status', uiUrls.status, t('nav.status')],
    ['modules', uiUrls.modules, t('nav.modules')],
    ['activity', uiUrls.activity, t('nav.activity')],
    ['setup', uiUrls.setup, t('nav.setup')],
  ];
  const user = ctx.principal.user;
  const who =
    user !== undefined
      ? html`<span>${t('user.signedIn', { user })}</span>`
      : ctx.authenticating
        ? html`<span>${t('user.anonymous')}</span>
            <a href="${uiUrls.login}">${t('user.signIn')}</a>`
        : undefined;
  const doc = html`<!doctype html>
    <html lang="${ctx.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${t('page.title', { page: page.title })}</title>
        <link rel="stylesheet" href="${ASSET_URLS.css}" />
        <script src="${ASSET_URLS.js}" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${t('nav.skip')}</a>
        <header class="site">
          <div class="bar">
            <a class="brand" href="${uiUrls.status}">modgate<span>${t('site.tagline')}</span></a>
            <nav aria-label="${t('nav.label')}">
              <ul>
                ${nav.map(
                  ([section, href, label]) =>
                    html`<li>
                      <a
                        href="${href}"
                        ${section === page.section ? html` aria-current="page"` : ''}
                        >${label}</a
                      >
                    </li>`,
                )}
              </ul>
            </nav>
            <div class="who">
              ${who}
              <span class="lang" role="group" aria-label="${t('lang.label')}"
                >${LOCALES.map(
                  (l, i) =>
                    html`${i > 0 ? ' · ' : ''}<a
                        href="${switchHref(ctx, l)}"
                        lang="${l}"
                        hreflang="${l}"
                        ${l === ctx.locale ? html` aria-current="true"` : ''}
                        >${LANGUAGE_NAMES[l]}</a
                      >`,
                )}</span
              >
            </div>
          </div>
        </header>
        <main id="main">
          <h1>${page.title}</h1>
          ${page.body}
        </main>
        <footer class="site">
          ${t('footer.version', { version: ctx.version })} ·
          <a href="/-/api/status">${t('footer.api')}</a>
        </footer>
      </body>
    </html> `;
  return doc.text;
}

/** The current page in another language (`?lang=`, which the page remembers in a cookie). */
function switchHref(ctx: UiPageContext, locale: Locale): string {
  const q = new URLSearchParams(ctx.query);
  q.set('lang', locale);
  return `${ctx.path}?${q.toString()}`;
}
