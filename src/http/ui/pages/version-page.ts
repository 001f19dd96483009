import type { VersionView } from '../../../dashboard/index.js';
import { html, type SafeHtml } from '../html.js';
import { badge, copyBlock, facts } from '../page-parts.js';
import { formatBytes, formatTime } from '../ui-format.js';
import type { UiPageContext } from '../ui-page-context.js';
import { uiUrls } from '../ui-urls.js';
import { versionState } from './module-page.js';

/**
 * One version: its facts (time, size, origin, h1, publisher, blocked), the `go get` line, its
 * go.mod, and its checksum-database record with whether it verified against what is stored.
 */
export function versionPage(ctx: UiPageContext, v: VersionView): { title: string; body: SafeHtml } {
  const { t } = ctx;
  const sumdb = v.sumdb;
  const verified =
    sumdb.verified === true
      ? badge('ok', t('version.verified.true'))
      : sumdb.verified === false
        ? badge('bad', t('version.verified.false'))
        : badge('info', t('version.verified.not-checked'));
  const body = html`<p>
      <a href="${uiUrls.module(v.path)}">${t('version.allVersions', { path: v.path })}</a>
    </p>
    <section aria-labelledby="details">
      <h2 id="details">${t('version.details')}</h2>
      ${facts([
        [t('col.state'), versionState(v, t)],
        [t('col.time'), formatTime(v.time)],
        [t('version.storedAt'), formatTime(v.storedAt)],
        [t('col.size'), v.size === undefined ? t('version.infoOnly') : formatBytes(v.size)],
        [t('col.origin'), t(`origin.${v.origin}`)],
        [t('col.h1'), v.h1 === undefined ? undefined : html`<code>${v.h1}</code>`],
        [t('col.publisher'), v.publisher],
      ])}
    </section>
    <section aria-labelledby="get">
      <h2 id="get">${t('version.get')}</h2>
      ${copyBlock('go-get', v.goGet, t)}
    </section>
    <section aria-labelledby="gomod">
      <h2 id="gomod">${t('version.goMod')}</h2>
      ${v.goMod === undefined ? html`<p>${t('version.goModMissing')}</p>` : html`<pre id="gomod-text">${v.goMod}</pre>`}
    </section>
    <section aria-labelledby="sumdb">
      <h2 id="sumdb">${t('version.sumdb')}</h2>
      ${
        sumdb.db === undefined
          ? html`<p>${t('version.sumdb.none')}</p>`
          : html`${facts([[t('version.sumdb.db'), html`<code>${sumdb.db}</code>`]])}
              <p id="verified">
                ${verified}${sumdb.note !== undefined ? html` <span class="muted">${sumdb.note}</span>` : ''}
              </p>
              ${sumdb.lines.length > 0 ? copyBlock('sum-lines', sumdb.lines.join('\n'), t) : ''}`
      }
    </section>`;
  return { title: `${v.path} ${v.version}`, body };
}
