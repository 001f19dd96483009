import type { ActivityFilter, ActivityView, RequestView } from '../../../dashboard/index.js';
import { html, type SafeHtml } from '../html.js';
import { dataTable } from '../page-parts.js';
import { formatRatio, formatTime } from '../ui-format.js';
import type { UiPageContext } from '../ui-page-context.js';
import { uiUrls, withQuery } from '../ui-urls.js';

/** How often the page's script asks the API for fresh activity. */
export const LIVE_SECONDS = 5;

const STATUS_FILTERS = ['', '2xx', '4xx', '5xx', 'error'] as const;

/**
 * Activity: the cache hit ratio and request count (the counters /metrics serves), the top
 * modules, and the recent requests and errors — filtered by status class and module path,
 * refreshed live by the page's script from the same API the filters are passed to.
 */
export function activityPage(
  ctx: UiPageContext,
  filter: ActivityFilter,
  a: ActivityView,
): { title: string; body: SafeHtml } {
  const { t } = ctx;
  const statusLabel = (s: (typeof STATUS_FILTERS)[number]): string =>
    s === '' ? t('activity.status.all') : t(`activity.status.${s}`);
  const requestHeaders = [
    t('activity.col.time'),
    t('activity.col.method'),
    t('activity.col.path'),
    { text: t('activity.col.status'), num: true as const },
    { text: t('activity.col.ms'), num: true as const },
    t('activity.col.cache'),
    t('activity.col.user'),
  ];
  const row = (r: RequestView) =>
    html`<tr>
      <td class="mono">${formatTime(r.time)}</td>
      <td>${r.method}</td>
      <td class="mono wrap">${r.path}</td>
      <td class="num">${r.status}</td>
      <td class="num">${r.ms}</td>
      <td>${r.cache}</td>
      <td>${r.user}</td>
    </tr>`;
  const live = withQuery(uiUrls.api.activity, { status: filter.status, module: filter.module });
  const body = html`<form
      class="inline"
      method="get"
      action="${uiUrls.activity}"
      aria-label="${t('activity.filters')}"
    >
      <label for="status-filter"
        >${t('activity.filter.status')}<select id="status-filter" name="status">
          ${STATUS_FILTERS.map(
            (s) =>
              html`<option value="${s}" ${(filter.status ?? '') === s ? html` selected` : ''}>
                ${statusLabel(s)}
              </option>`,
          )}
        </select></label
      >
      <label for="module-filter"
        >${t('activity.filter.module')}<input
          type="text"
          id="module-filter"
          name="module"
          value="${filter.module ?? ''}"
          spellcheck="false"
      /></label>
      <button type="submit">${t('activity.filter.apply')}</button>
    </form>
    <div data-live="${live}" data-every="${LIVE_SECONDS}">
      <section aria-labelledby="cache">
        <h2 id="cache">${t('activity.cache')}</h2>
        <div class="cards">
          <div class="card">
            <div class="value" data-field="ratio">${formatRatio(a.cache.ratio)}</div>
            <div class="label">${t('activity.hitRatio')}</div>
          </div>
          <div class="card">
            <div class="value" data-field="hits">${a.cache.hits}</div>
            <div class="label">${t('activity.hits')}</div>
          </div>
          <div class="card">
            <div class="value" data-field="misses">${a.cache.misses}</div>
            <div class="label">${t('activity.misses')}</div>
          </div>
          <div class="card">
            <div class="value" data-field="requests">${a.requests}</div>
            <div class="label">${t('activity.requests')}</div>
          </div>
        </div>
      </section>
      <p class="muted">${t('activity.live', { seconds: LIVE_SECONDS })}</p>
      <section aria-labelledby="recent-h">
        <h2 id="recent-h">${t('activity.recent')}</h2>
        ${dataTable(t('activity.recent'), requestHeaders, a.recent.map(row), {
          id: 'recent',
          empty: t('activity.none'),
        })}
      </section>
      <section aria-labelledby="errors-h">
        <h2 id="errors-h">${t('activity.errors')}</h2>
        ${dataTable(t('activity.errors'), requestHeaders, a.errors.map(row), {
          id: 'errors',
          empty: t('activity.noErrors'),
        })}
      </section>
    </div>
    <section aria-labelledby="top-h">
      <h2 id="top-h">${t('activity.top')}</h2>
      ${dataTable(
        t('activity.top'),
        [t('modules.col.path'), { text: t('activity.col.requests'), num: true }],
        a.topModules.map(
          (m) =>
            html`<tr>
              <td class="wrap"><a href="${uiUrls.module(m.path)}">${m.path}</a></td>
              <td class="num">${m.requests}</td>
            </tr>`,
        ),
        { id: 'top', empty: t('activity.none') },
      )}
    </section>`;
  return { title: t('activity.title'), body };
}
