import { html, type HtmlValue, type SafeHtml } from './html.js';
import type { UiTranslate } from './ui-messages.js';

/** Fragments several pages share. */

export type BadgeTone = 'ok' | 'warn' | 'bad' | 'info';

/** A short coloured label (state, private, blocked); its text says it all (not colour alone). */
export function badge(tone: BadgeTone, text: string): SafeHtml {
  return html`<span class="badge ${tone}">${text}</span>`;
}

/**
 * Text to copy (a command, a go.mod line) in a `<pre>` with a copy button. The button is
 * hidden until the script shows it (it does nothing without the script); `id` must be unique
 * in the page.
 */
export function copyBlock(id: string, text: string, t: UiTranslate, label?: string): SafeHtml {
  return html`<div class="copyable">
    <pre id="${id}">${text}</pre>
    <button
      type="button"
      class="secondary"
      data-copy="${id}"
      data-copied="${t('common.copied')}"
      aria-label="${label ?? t('common.copy')}"
      hidden
    >
      ${t('common.copy')}
    </button>
  </div>`;
}

/** A table with a caption (its accessible name), header cells with scope, and rows. */
export function dataTable(
  caption: string,
  headers: readonly (string | { text: string; num: true })[],
  rows: readonly HtmlValue[],
  attrs: { id?: string; empty?: string } = {},
): SafeHtml {
  const head = headers.map((h) =>
    typeof h === 'string'
      ? html`<th scope="col">${h}</th>`
      : html`<th scope="col" class="num">${h.text}</th>`,
  );
  const body =
    rows.length > 0
      ? rows
      : html`<tr>
          <td colspan="${headers.length}">${attrs.empty ?? ''}</td>
        </tr>`;
  return html`<table${attrs.id !== undefined ? html` id="${attrs.id}"` : ''}>
<caption>${caption}</caption>
<thead><tr>${head}</tr></thead>
<tbody${attrs.empty !== undefined ? html` data-empty="${attrs.empty}"` : ''}>${body}</tbody>
</table>`;
}

/** A definition list of facts (label → value); rows whose value is undefined are left out. */
export function facts(rows: readonly [string, HtmlValue][]): SafeHtml {
  return html`<dl class="facts">
    ${rows
      .filter(([, v]) => v !== undefined && v !== '')
      .map(
        ([k, v]) =>
          html`<dt>${k}</dt>
            <dd>${v}</dd>`,
      )}
  </dl>`;
}
