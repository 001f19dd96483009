import type { ServerResponse } from 'node:http';
import { ApiProblem } from '../api/api-problem.js';
import { moduleTarget } from '../api/module-target.js';
import { WWW_AUTHENTICATE } from '../auth-gate.js';
import { html, type SafeHtml } from './html.js';
import { pageLayout } from './page-layout.js';
import { activityPage } from './pages/activity-page.js';
import { modulePage } from './pages/module-page.js';
import { MODULES_PER_PAGE, modulesPage } from './pages/modules-page.js';
import { setupPage } from './pages/setup-page.js';
import { statusPage } from './pages/status-page.js';
import { versionPage } from './pages/version-page.js';
import { ASSET_PREFIX, sendAsset } from './ui-assets.js';
import { uiLocale } from './ui-locale.js';
import { uiTranslator } from './ui-messages.js';
import type { UiOptions, UiRequest } from './ui-options.js';
import type { UiPageContext, UiSection } from './ui-page-context.js';
import { UI_PREFIX, uiUrls } from './ui-urls.js';

/**
 * The headers of every page: never stored by anyone (pages show what one user may read),
 * scripts and styles from modgate itself only (no inline code, no CDN), never framed.
 */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  vary: 'accept-language, cookie, authorization',
};

/** A page's content before the layout: title, navigation section, body, status. */
interface PageContent {
  title: string;
  section: UiSection | undefined;
  body: SafeHtml;
  status?: number;
}

/**
 * Answers a request under `/-/ui/` (docs/dashboard.md): the pages, rendered on the server from
 * the read model (DashboardData, which answers only what the principal may read — a module
 * they may not read is "not found" here too), and their static files under `/-/ui/assets/`.
 */
export function uiHandler(options: UiOptions): (request: UiRequest) => Promise<void> {
  return (request) => answerUi(options, request);
}

async function answerUi(options: UiOptions, request: UiRequest): Promise<void> {
  const { req, res, path, principal } = request;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.statusCode = 405;
    res.setHeader('allow', 'GET, HEAD');
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(`method ${req.method ?? ''} not allowed: the dashboard's pages are read with GET\n`);
    return;
  }
  if (path.startsWith(ASSET_PREFIX)) return sendAsset(req, res, path.slice(ASSET_PREFIX.length));
  const { locale, setCookie } = uiLocale(req, request.query);
  const t = uiTranslator(locale);
  const ctx: UiPageContext = {
    t,
    locale,
    principal,
    path,
    query: request.query,
    authenticating: options.authenticating,
    version: options.version,
  };
  if (setCookie !== undefined) res.setHeader('set-cookie', setCookie);
  const anonymous = principal.user === undefined && options.authenticating;
  if (path === uiUrls.login) {
    if (!anonymous) return redirect(res, uiUrls.status);
    return send(req.method === 'HEAD', res, ctx, challenge(ctx));
  }
  if (anonymous && options.signInRequired) {
    return send(req.method === 'HEAD', res, ctx, challenge(ctx));
  }
  let content: PageContent;
  try {
    content = await route(options, request, ctx);
  } catch (err) {
    // A malformed module path or version in the URL says why; anything else names the
    // request id only (the log has the details).
    const problem = err instanceof ApiProblem && err.status < 500 ? err : undefined;
    if (problem === undefined) options.onError?.(err, request);
    content = {
      title: t('error.badRequest'),
      section: undefined,
      body: html`<p>${problem?.message ?? `internal error (request id ${request.id})`}</p>`,
      status: problem?.status ?? 500,
    };
  }
  send(req.method === 'HEAD', res, ctx, content);
}

/** Which page a path names, rendered. */
async function route(
  options: UiOptions,
  request: UiRequest,
  ctx: UiPageContext,
): Promise<PageContent> {
  const { path, data, principal, query } = request;
  const { t } = ctx;
  if (path === UI_PREFIX) {
    return { section: 'status', ...statusPage(ctx, await data.status()) };
  }
  if (path === uiUrls.modules) {
    const q = query.get('q')?.trim() ?? '';
    const cursor = query.get('cursor') ?? undefined;
    const list = await data.modules(q, principal, { limit: MODULES_PER_PAGE, cursor });
    return { section: 'modules', ...modulesPage(ctx, q, list) };
  }
  if (path.startsWith(`${uiUrls.modules}/`)) {
    const target = moduleTarget(path.slice(uiUrls.modules.length + 1));
    if (target.version === undefined) {
      const m = await data.module(target.path, principal);
      if (m === undefined) return notFound(ctx, t('module.notFound', { path: target.path }));
      const admin = options.mayAdminister(principal, m.path);
      return { section: 'modules', ...modulePage(ctx, m, admin) };
    }
    const v = await data.version(target.path, target.version, principal);
    if (v === undefined) {
      return notFound(ctx, t('version.notFound', { path: target.path, version: target.version }));
    }
    return { section: 'modules', ...versionPage(ctx, v) };
  }
  if (path === uiUrls.activity) {
    const filter = {
      status: query.get('status') || undefined,
      module: query.get('module')?.trim() || undefined,
    };
    return { section: 'activity', ...activityPage(ctx, filter, data.activity(filter, principal)) };
  }
  if (path === uiUrls.setup) {
    return { section: 'setup', ...setupPage(ctx, data.setup(principal, request.baseUrl)) };
  }
  return notFound(ctx, t('error.notFound.text'));
}

function notFound(ctx: UiPageContext, text: string): PageContent {
  const { t } = ctx;
  return {
    title: t('error.notFound'),
    section: undefined,
    body: html`<p>${text}</p>
      <p><a href="${uiUrls.status}">${t('error.home')}</a></p>`,
    status: 404,
  };
}

/** The Basic challenge: the browser asks for the user name and password and tries again. */
function challenge(ctx: UiPageContext): PageContent {
  return {
    title: ctx.t('user.signIn'),
    section: undefined,
    body: html`<p>${ctx.t('user.anonymous')}</p>`,
    status: 401,
  };
}

function send(head: boolean, res: ServerResponse, ctx: UiPageContext, content: PageContent): void {
  const body = Buffer.from(pageLayout(ctx, content));
  res.statusCode = content.status ?? 200;
  for (const [k, v] of Object.entries(PAGE_HEADERS)) res.setHeader(k, v);
  if (res.statusCode === 401) res.setHeader('www-authenticate', WWW_AUTHENTICATE);
  res.setHeader('content-length', body.length);
  res.end(head ? undefined : body);
}

function redirect(res: ServerResponse, location: string): void {
  res.statusCode = 303;
  res.setHeader('location', location);
  res.setHeader('cache-control', 'no-store');
  res.end();
}
