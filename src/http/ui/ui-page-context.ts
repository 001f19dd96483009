import type { Locale } from '../../i18n/index.js';
import type { Principal } from '../../policy/index.js';
import type { UiTranslate } from './ui-messages.js';

/** What every page knows about the request it answers. */
export interface UiPageContext {
  readonly t: UiTranslate;
  readonly locale: Locale;
  readonly principal: Principal;
  /** The request's path (percent-encoded, as sent) and query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Whether the server asks for credentials at all (a users file is configured). */
  readonly authenticating: boolean;
  /** modgate's version, for the footer. */
  readonly version: string;
}

/** A rendered page: its status and document. */
export interface UiPage {
  readonly status: number;
  readonly html: string;
}

/** The sections of the navigation. */
export type UiSection = 'status' | 'modules' | 'activity' | 'setup';
