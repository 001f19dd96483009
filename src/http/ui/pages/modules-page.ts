import type { ModuleListView, ModuleSummaryView } from '../../../dashboard/index.js';
import { html, type SafeHtml } from '../html.js';
import { badge, dataTable } from '../page-parts.js';
import type { UiTranslate } from '../ui-messages.js';
import { formatTime } from '../ui-format.js';
import type { UiPageContext } from '../ui-page-context.js';
import { uiUrls, withQuery } from '../ui-urls.js';

/** How many modules one page lists. */
export const MODULES_PER_PAGE = 50;

/** The kind badges of a module: private, hosted (published here), else public. */
export function moduleBadges(m: { private: boolean; hosted: boolean }, t: UiTranslate): SafeHtml {
  if (!m.private && !m.hosted) return badge('info', t('badge.public'));
  return html`${m.private ? badge('warn', t('badge.private')) : ''}
  ${m.hosted ? badge('ok', t('badge.hosted')) : ''}`;
}

/** Modules: a search box over stored module paths, the matching modules, paging by cursor. */
export function modulesPage(
  ctx: UiPageContext,
  q: string,
  list: ModuleListView,
): { title: string; body: SafeHtml } {
  const { t } = ctx;
  const row = (m: ModuleSummaryView) =>
    html`<tr>
      <td class="wrap"><a href="${uiUrls.module(m.path)}">${m.path}</a></td>
      <td class="num">${m.versions}</td>
      <td><code>${m.latest}</code></td>
      <td>${formatTime(m.updatedAt)}</td>
      <td>${moduleBadges(m, t)}</td>
    </tr>`;
  const first = ctx.query.get('cursor') !== null;
  const pager =
    list.next !== undefined || first
      ? html`<nav class="pager" aria-label="${t('modules.pages')}">
          ${
            first
              ? html`<a href="${withQuery(uiUrls.modules, { q })}">${t('modules.first')}</a>`
              : ''
          }${
            list.next !== undefined
              ? html`<a href="${withQuery(uiUrls.modules, { q, cursor: list.next })}" rel="next"
                  >${t('modules.next')}</a
                >`
              : ''
          }
        </nav>`
      : '';
  const body = html`<form class="inline" role="search" method="get" action="${uiUrls.modules}">
      <label for="q"
        >${t('modules.search.label')}<input
          type="search"
          id="q"
          name="q"
          value="${q}"
          autocomplete="off"
          spellcheck="false"
      /></label>
      <button type="submit">${t('modules.search.button')}</button>
    </form>
    <p id="found">${t('modules.found', { count: list.total })}</p>
    ${dataTable(
      t('modules.caption'),
      [
        t('modules.col.path'),
        { text: t('modules.col.versions'), num: true },
        t('modules.col.latest'),
        t('modules.col.updated'),
        t('modules.col.kind'),
      ],
      list.modules.map(row),
      { id: 'modules', empty: t('modules.empty') },
    )}
    ${pager}`;
  return { title: t('modules.title'), body };
}
