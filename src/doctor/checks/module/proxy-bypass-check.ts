import type { Check } from '../../check.js';
import { matchPrefixPatterns } from '../../../module/index.js';
import { goEnvFix } from '../go-env/go-env-fix.js';
import { moduleCheck } from './module-scope.js';

const ID = 'module.proxy-bypass';

/**
 * A GONOPROXY entry (or GOPRIVATE, which GONOPROXY defaults to) that sends a path the company
 * modgate serves around it: the go command then fetches it straight from the code host, which
 * needs this machine's own network route and git credentials — exactly what the company proxy
 * is there to spare it. Needs the company modgate's private patterns (--server); otherwise
 * doctor cannot tell which paths the proxy serves and skips.
 */
export const proxyBypassCheck: Check = moduleCheck(ID, (ctx, module) => {
  if (ctx.server === undefined || ctx.go === undefined) {
    const summary = ctx.t(
      ctx.serverUrl === undefined
        ? 'module.proxy-bypass.no-server'
        : ctx.go === undefined
          ? 'module.proxy-bypass.no-go'
          : 'module.proxy-bypass.unread',
    );
    return [{ check: ID, layer: 'module', status: 'skip', summary }];
  }
  const served = ctx.server.private;
  const bypassed = module.fetched.filter(
    (m) => m.noProxy && served !== '' && matchPrefixPatterns(served, m.path),
  );
  if (bypassed.length === 0) {
    return [
      {
        check: ID,
        layer: 'module',
        status: 'ok',
        summary: ctx.t('module.proxy-bypass.ok', { url: ctx.server.url }),
      },
    ];
  }
  const gonoproxy = ctx.go.env.GONOPROXY ?? '';
  const explicit = (ctx.go.sources.GONOPROXY ?? 'default') !== 'default';
  const kept = gonoproxy
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '' && !bypassed.some((m) => matchPrefixPatterns(p, m.path)));
  const goprivate = ctx.go.env.GOPRIVATE ?? '';
  // With GOPRIVATE set, an unset GONOPROXY means GOPRIVATE: `none` is a pattern that matches nothing.
  const value = kept.length > 0 ? kept.join(',') : goprivate !== '' ? 'none' : undefined;
  return bypassed.map((m) => ({
    check: ID,
    layer: 'module' as const,
    status: 'fail' as const,
    subject: m.path,
    summary: ctx.t(explicit ? 'module.proxy-bypass.gonoproxy' : 'module.proxy-bypass.goprivate', {
      path: m.path,
      url: ctx.server?.url ?? '',
    }),
    why: ctx.t('module.proxy-bypass.why'),
    ...goEnvFix(ctx, 'GONOPROXY', value),
    details: [`GONOPROXY=${gonoproxy}`, ctx.t('module.proxy-bypass.served', { patterns: served })],
  }));
});
