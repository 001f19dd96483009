import type { ModuleView } from '../../../dashboard/index.js';
import { html, type SafeHtml } from '../html.js';
import type { UiPageContext } from '../ui-page-context.js';
import { uiUrls } from '../ui-urls.js';

/**
 * The id of the run-time block (admin API) behind a blocked version, or undefined when a
 * configured `deny` rule blocks it (id `deny-N`, or the rule's text: those change only with
 * the configuration file).
 */
export function adminBlockId(rule: string): string | undefined {
  return /^[A-Za-z0-9_-]{1,64}$/.test(rule) && !/^deny-\d+$/.test(rule) ? rule : undefined;
}

/**
 * The admin actions on one module, for users with the `admin` permission on it: refresh its
 * version list, block a version with a reason, unblock one. The forms are sent by the page's
 * script to the admin API (docs/api.md "Admin actions"), which checks the permission again and
 * its CSRF rules; the outcome shows in the status line (a live region).
 */
export function adminPanel(ctx: UiPageContext, m: ModuleView): SafeHtml {
  const { t } = ctx;
  const open = m.versions.filter((v) => v.blocked === undefined);
  const unblockable = m.versions.flatMap((v) => {
    const id = v.blocked === undefined ? undefined : adminBlockId(v.blocked.rule);
    return id === undefined ? [] : [{ version: v.version, id }];
  });
  return html`<section class="admin" aria-labelledby="admin">
    <h2 id="admin">${t('admin.title')}</h2>
    <p
      id="admin-status"
      role="status"
      data-working="${t('admin.working')}"
      data-done="${t('admin.done')}"
      data-failed="${t('admin.failed', { message: '{message}' })}"
    ></p>
    <form class="inline" data-api="${uiUrls.api.refresh(m.path)}" data-method="POST">
      <button type="submit" aria-describedby="refresh-help">${t('admin.refresh')}</button>
      <span id="refresh-help" class="muted">${t('admin.refresh.help')}</span>
    </form>
    ${
      open.length > 0
        ? html`<h3>${t('admin.block')}</h3>
            <form class="inline" id="block-form" data-api="${uiUrls.api.blocks}" data-method="POST">
              <input type="hidden" name="module" value="${m.path}" />
              <label for="block-version"
                >${t('admin.block.version')}<select id="block-version" name="versions">
                  ${open.map((v) => html`<option value="${v.version}">${v.version}</option>`)}
                </select></label
              >
              <label for="block-reason"
                >${t('admin.block.reason')}<input
                  type="text"
                  id="block-reason"
                  name="reason"
                  required
                  maxlength="200"
              /></label>
              <button type="submit" class="danger">${t('admin.block.submit')}</button>
            </form>`
        : ''
    }
    ${unblockable.map(
      (b) =>
        html`<form class="inline" data-api="${uiUrls.api.block(b.id)}" data-method="DELETE">
          <button
            type="submit"
            class="secondary"
            aria-label="${t('admin.unblock.label', { version: b.version })}"
          >
            ${t('admin.unblock')} <code>${b.version}</code>
          </button>
        </form>`,
    )}
  </section>`;
}
