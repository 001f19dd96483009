import type { ModuleView, VersionSummaryView } from '../../../dashboard/index.js';
import { html, type SafeHtml } from '../html.js';
import { badge, copyBlock, dataTable } from '../page-parts.js';
import type { UiTranslate } from '../ui-messages.js';
import { formatBytes, formatTime } from '../ui-format.js';
import type { UiPageContext } from '../ui-page-context.js';
import { uiUrls, withQuery } from '../ui-urls.js';
import { adminPanel } from './admin-panel.js';
import { moduleBadges } from './modules-page.js';

/** How many versions a module page lists unless asked for all. */
export const VERSIONS_SHOWN = 200;

/** A version's state cell: available, or blocked with its reason (user-controlled text). */
export function versionState(v: VersionSummaryView, t: UiTranslate): SafeHtml {
  if (v.blocked === undefined) return badge('ok', t('version.available'));
  return html`${badge('bad', t('badge.blocked'))}<span class="blocked-reason"
      >${t('version.blocked', { reason: v.blocked.reason })}</span
    >`;
}

/**
 * A module: its kind, the `go get` line for the latest version, and its versions (time, size,
 * origin, h1, publisher, blocked). Users with the `admin` permission on it also get the admin
 * actions; everyone else gets no trace of them.
 */
export function modulePage(
  ctx: UiPageContext,
  m: ModuleView,
  admin: boolean,
): { title: string; body: SafeHtml } {
  const { t } = ctx;
  // A module with thousands of versions (a monorepo's pseudo-versions) would make a page of
  // megabytes: the newest VERSIONS_SHOWN unless all are asked for.
  const all = ctx.query.get('versions') === 'all' || m.versions.length <= VERSIONS_SHOWN;
  const shown = all ? m.versions : m.versions.slice(0, VERSIONS_SHOWN);
  const more = all
    ? ''
    : html`<p>
        ${t('module.showing', { shown: shown.length, total: m.versions.length })}
        <a href="${withQuery(uiUrls.module(m.path), { versions: 'all' })}"
          >${t('module.showAll')}</a
        >
      </p>`;
  const row = (v: VersionSummaryView) => html`<tr${
    v.blocked !== undefined ? html` class="blocked"` : ''
  }>
<td><a href="${uiUrls.version(m.path, v.version)}"><code>${v.version}</code></a></td>
<td>${formatTime(v.time)}</td>
<td class="num">${v.size === undefined ? html`<span class="muted">${t('version.infoOnly')}</span>` : formatBytes(v.size)}</td>
<td>${t(`origin.${v.origin}`)}</td>
<td class="wrap"><code>${v.h1}</code></td>
<td>${v.publisher}</td>
<td>${versionState(v, t)}</td></tr>`;
  const body = html`<p>${moduleBadges(m, t)}</p>
    <section aria-labelledby="get">
      <h2 id="get">${t('module.getLatest')}</h2>
      ${copyBlock('go-get', m.goGet, t)}
    </section>
    <section aria-labelledby="versions">
      <h2 id="versions">${t('module.versions')}</h2>
      ${dataTable(
        t('module.versions'),
        [
          t('col.version'),
          t('col.time'),
          { text: t('col.size'), num: true },
          t('col.origin'),
          t('col.h1'),
          t('col.publisher'),
          t('col.state'),
        ],
        shown.map(row),
        { id: 'versions-table' },
      )}
      ${more}
    </section>
    ${admin ? adminPanel(ctx, { ...m, versions: shown }) : ''}`;
  return { title: m.path, body };
}
