import type { BreakerState, StatusView } from '../../../dashboard/index.js';
import { html, type SafeHtml } from '../html.js';
import { badge, dataTable, facts } from '../page-parts.js';
import { formatBytes, formatDuration, formatMs, formatRatio, formatTime } from '../ui-format.js';
import type { UiPageContext } from '../ui-page-context.js';

const STATE_TONE: Readonly<Record<BreakerState, 'ok' | 'bad' | 'warn'>> = {
  ok: 'ok',
  open: 'bad',
  'half-open': 'warn',
};

/**
 * Status: version and uptime, storage (backend, files, bytes, growth, free space), each
 * upstream's breaker state, error ratio and latency, the checksum databases (last verified
 * tree head, own log size), coordination across replicas, and the module catalog.
 */
export function statusPage(ctx: UiPageContext, s: StatusView): { title: string; body: SafeHtml } {
  const { t } = ctx;
  const storage = s.storage;
  const body = html`<section aria-labelledby="overview">
      <h2 id="overview">${t('status.overview')}</h2>
      ${facts([
        [t('status.version'), html`<code>${s.version}</code>`],
        [t('status.uptime'), formatDuration(s.uptimeMs, t)],
        [t('status.startedAt'), formatTime(s.startedAt)],
      ])}
    </section>
    <section aria-labelledby="storage">
      <h2 id="storage">${t('status.storage')}</h2>
      ${facts([
        [t('status.storage.backend'), storage.backend],
        [t('status.storage.location'), html`<code>${storage.description}</code>`],
        [
          t('status.storage.objects'),
          storage.objects === undefined
            ? t('status.notCounted')
            : storage.objects.toLocaleString('en-US'),
        ],
        [
          t('status.storage.bytes'),
          storage.bytes === undefined ? t('status.notCounted') : formatBytes(storage.bytes),
        ],
        [
          t('status.storage.growth'),
          storage.growth === undefined ? undefined : formatBytes(storage.growth.bytesSinceStart),
        ],
        [
          t('status.storage.filesystem'),
          storage.filesystem === undefined
            ? undefined
            : t('status.storage.free', {
                free: formatBytes(storage.filesystem.freeBytes),
                size: formatBytes(storage.filesystem.sizeBytes),
              }),
        ],
      ])}
    </section>
    <section aria-labelledby="upstreams">
      <h2 id="upstreams">${t('status.upstreams')}</h2>
      ${dataTable(
        t('status.upstreams'),
        [
          t('status.col.name'),
          t('status.col.url'),
          t('status.col.state'),
          { text: t('status.col.errorRatio'), num: true },
          { text: t('status.col.requests'), num: true },
          { text: t('status.col.p50'), num: true },
          { text: t('status.col.p99'), num: true },
          t('status.col.lastError'),
        ],
        s.upstreams.map(
          (u) =>
            html`<tr>
              <td>${u.name}</td>
              <td class="wrap"><code>${u.url}</code></td>
              <td>${badge(STATE_TONE[u.state], t(`state.${u.state}`))}</td>
              <td class="num">${formatRatio(u.errorRatio)}</td>
              <td class="num">${u.requests}</td>
              <td class="num">${formatMs(u.p50Ms, t)}</td>
              <td class="num">${formatMs(u.p99Ms, t)}</td>
              <td class="wrap">${u.lastError}</td>
            </tr>`,
        ),
        { empty: t('status.upstreams.none') },
      )}
    </section>
    <section aria-labelledby="sumdb">
      <h2 id="sumdb">${t('status.sumdb')}</h2>
      ${dataTable(
        t('status.sumdb'),
        [
          t('status.col.database'),
          t('status.col.kind'),
          { text: t('status.col.treeSize'), num: true },
          t('status.col.verifiedAt'),
          { text: t('status.col.ownSize'), num: true },
          t('status.col.lastError'),
        ],
        s.sumdb.map(
          (d) =>
            html`<tr>
              <td><code>${d.name}</code></td>
              <td>${t(`sumdb.kind.${d.kind}`)}</td>
              <td class="num">${d.lastVerifiedTreeSize}</td>
              <td>${formatTime(d.lastVerifiedAt)}</td>
              <td class="num">${d.own?.size}</td>
              <td class="wrap">${d.lastError}</td>
            </tr>`,
        ),
        { empty: t('status.sumdb.none') },
      )}
    </section>
    <section aria-labelledby="coordination">
      <h2 id="coordination">${t('status.coordination')}</h2>
      ${
        s.coordination === undefined
          ? html`<p>${t('status.coordination.single')}</p>`
          : facts([
              [t('status.coordination.kind'), s.coordination.kind],
              [
                t('status.coordination.connection'),
                s.coordination.up
                  ? badge('ok', t('status.coordination.up'))
                  : badge('bad', t('status.coordination.down')),
              ],
              [t('status.coordination.replicas'), s.coordination.replicas],
            ])
      }
    </section>
    <section aria-labelledby="catalog">
      <h2 id="catalog">${t('status.catalog')}</h2>
      ${facts([
        [t('status.catalog.modules'), s.catalog.modules],
        [t('status.catalog.versions'), s.catalog.versions],
        [t('status.catalog.scannedAt'), formatTime(s.catalog.scannedAt)],
        [t('status.catalog.rescan'), formatDuration(s.catalog.rescanIntervalMs, t)],
      ])}
    </section>`;
  return { title: t('status.title'), body };
}
