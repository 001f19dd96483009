import type { Check } from '../../check.js';
import type { ClientConfig, DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { matchPrefixPatterns } from '../../../module/index.js';
import { parseGoproxyList } from '../../../protocol/goproxy-list.js';
import { redactUrl } from '../../../protocol/redact-url.js';
import { goEnvFix } from '../go-env/go-env-fix.js';
import { cleanPatterns } from '../go-env/private-patterns-check.js';

const ID = 'server.client-config';

/**
 * The machine against the company modgate's own client settings
 * (`/.well-known/modgate/client-config`, read once by gatherContext from --server or
 * MODGATE_SERVER): GOPROXY starts with the modgate URL; every private pattern it serves is in
 * the effective GONOSUMDB (so private names never reach the public checksum database); GOSUMDB
 * is the value it recommends. Each disagreement is a fail with the `go env -w` line that makes
 * the two agree (applied by --fix).
 */
export const clientConfigCheck: Check = {
  id: ID,
  layer: 'server',
  network: false,
  run(ctx): Promise<Finding[]> {
    const skip = (summary: string): Promise<Finding[]> =>
      Promise.resolve([{ check: ID, layer: 'server', status: 'skip', summary }]);
    if (ctx.serverUrl === undefined) {
      return skip(ctx.t('server.client-config.none'));
    }
    const shown = redactUrl(ctx.serverUrl);
    if (ctx.server === undefined) {
      if (ctx.serverProblem === undefined)
        return skip(ctx.t('server.client-config.offline', { url: shown }));
      return Promise.resolve([
        {
          check: ID,
          layer: 'server',
          status: 'fail',
          subject: shown,
          summary: ctx.t('server.client-config.unreadable', { problem: ctx.serverProblem }),
          why: ctx.t('server.client-config.unreadable.why'),
          fix: [ctx.t('server.client-config.unreadable.fix', { url: shown.replace(/\/+$/, '') })],
        },
      ]);
    }
    if (ctx.go === undefined) return skip(ctx.t('server.client-config.no-go'));
    return Promise.resolve([
      goproxyAgrees(ctx, ctx.server),
      privateAgrees(ctx, ctx.server),
      gosumdbAgrees(ctx, ctx.server),
    ]);
  },
};

function normal(url: string): string {
  return url.replace(/\/+$/, '');
}

function goproxyAgrees(ctx: DoctorContext, server: ClientConfig): Finding {
  const value = ctx.go?.env.GOPROXY ?? '';
  const base = { check: ID, layer: 'server' as const, subject: 'GOPROXY' };
  let first: string | undefined;
  try {
    first = parseGoproxyList(value)[0]?.url;
  } catch {
    first = undefined;
  }
  if (first !== undefined && normal(first) === normal(server.url)) {
    return {
      ...base,
      status: 'ok',
      summary: ctx.t('server.client-config.goproxy.ok', { url: redactUrl(server.url) }),
    };
  }
  return {
    ...base,
    status: 'fail',
    summary: ctx.t('server.client-config.goproxy.other', {
      value: redactUrl(value),
      url: redactUrl(server.url),
    }),
    why: ctx.t('server.client-config.goproxy.why'),
    ...goEnvFix(ctx, 'GOPROXY', server.goproxy),
  };
}

function privateAgrees(ctx: DoctorContext, server: ClientConfig): Finding {
  const base = { check: ID, layer: 'server' as const, subject: 'GONOSUMDB' };
  const patterns = cleanPatterns(server.private);
  if (patterns === '')
    return { ...base, status: 'ok', summary: ctx.t('server.client-config.private.none') };
  const go = ctx.go!;
  const noSumdb =
    go.env.GONOSUMDB !== undefined && go.env.GONOSUMDB !== ''
      ? go.env.GONOSUMDB
      : (go.env.GOPRIVATE ?? '');
  const missing = patterns.split(',').filter((p) => !matchPrefixPatterns(noSumdb, p));
  if (missing.length === 0) {
    return {
      ...base,
      status: 'ok',
      summary: ctx.t('server.client-config.private.ok', { patterns }),
    };
  }
  return {
    ...base,
    status: 'fail',
    summary: ctx.t(
      `server.client-config.private.missing.${missing.length === 1 ? 'one' : 'other'}${(go.sources.GONOSUMDB ?? 'default') === 'default' ? '.goprivate' : ''}`,
      { patterns: missing.join(', ') },
    ),
    why: ctx.t('server.client-config.private.why'),
    ...goEnvFix(ctx, 'GONOSUMDB', cleanPatterns([noSumdb, ...missing].join(','))),
    details: [
      `GONOSUMDB=${go.env.GONOSUMDB ?? ''}`,
      `GOPRIVATE=${go.env.GOPRIVATE ?? ''}`,
      ctx.t('server.client-config.private.detail', { patterns }),
    ],
  };
}

function gosumdbAgrees(ctx: DoctorContext, server: ClientConfig): Finding {
  const base = { check: ID, layer: 'server' as const, subject: 'GOSUMDB' };
  const wanted = server.gosumdb.trim().split(/\s+/).join(' ');
  const value = (ctx.go?.env.GOSUMDB ?? '').trim().split(/\s+/).join(' ');
  if (wanted === '')
    return { ...base, status: 'ok', summary: ctx.t('server.client-config.gosumdb.none') };
  if (wanted === value)
    return { ...base, status: 'ok', summary: ctx.t('server.client-config.gosumdb.ok', { value }) };
  return {
    ...base,
    status: 'fail',
    summary: ctx.t('server.client-config.gosumdb.other', {
      value: redactUrl(value),
      wanted: redactUrl(wanted),
    }),
    why: ctx.t('server.client-config.gosumdb.why'),
    ...goEnvFix(ctx, 'GOSUMDB', wanted),
  };
}
