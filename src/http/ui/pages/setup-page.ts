import type { SetupView } from '../../../dashboard/index.js';
import { html, type SafeHtml } from '../html.js';
import { copyBlock } from '../page-parts.js';
import type { UiPageContext } from '../ui-page-context.js';

/**
 * Set up your machine: the exact `go env -w` lines for this server (GOPROXY, GOPRIVATE /
 * GONOSUMDB for its private patterns, GOSUMDB), the .netrc line when it asks for credentials,
 * and the `modgate doctor --server` command that checks the result.
 */
export function setupPage(ctx: UiPageContext, s: SetupView): { title: string; body: SafeHtml } {
  const { t } = ctx;
  const commands = s.goEnv.map((l) => l.command).join('\n');
  const body = html`<p>${t('setup.intro', { url: s.url })}</p>
    <section aria-labelledby="goenv">
      <h2 id="goenv">${t('setup.goEnv')}</h2>
      ${copyBlock('go-env', commands, t, t('setup.copyAll'))}
    </section>
    ${
      s.netrc === undefined
        ? ''
        : html`<section aria-labelledby="netrc">
            <h2 id="netrc">${t('setup.netrc')}</h2>
            <p>${t('setup.netrc.intro')}</p>
            ${copyBlock('netrc-line', s.netrc, t)}
          </section>`
    }
    <section aria-labelledby="doctor">
      <h2 id="doctor">${t('setup.doctor')}</h2>
      <p>${t('setup.doctor.intro')}</p>
      ${copyBlock('doctor-command', s.doctor, t)}
    </section>`;
  return { title: t('setup.title'), body };
}
