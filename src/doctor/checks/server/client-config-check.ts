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
      return skip('no company modgate named (--server URL or MODGATE_SERVER)');
    }
    const shown = redactUrl(ctx.serverUrl);
    if (ctx.server === undefined) {
      if (ctx.serverProblem === undefined) return skip(`--offline: ${shown} was not asked`);
      return Promise.resolve([
        {
          check: ID,
          layer: 'server',
          status: 'fail',
          subject: shown,
          summary: `cannot read the company modgate's client settings: ${ctx.serverProblem}`,
          why: 'doctor cannot compare this machine with the settings the company modgate expects',
          fix: [
            `curl -fsS ${shown.replace(/\/+$/, '')}/.well-known/modgate/client-config   # is this the modgate URL? (the network layer shows where connections fail)`,
          ],
        },
      ]);
    }
    if (ctx.go === undefined) return skip('not compared: the go command could not be run');
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
      summary: `starts with the company modgate ${redactUrl(server.url)}`,
    };
  }
  return {
    ...base,
    status: 'fail',
    summary: `GOPROXY=${redactUrl(value)} does not start with the company modgate ${redactUrl(server.url)}`,
    why: 'modules are fetched elsewhere: private ones fail, public ones miss the company cache and its checks',
    ...goEnvFix(ctx, 'GOPROXY', server.goproxy),
  };
}

function privateAgrees(ctx: DoctorContext, server: ClientConfig): Finding {
  const base = { check: ID, layer: 'server' as const, subject: 'GONOSUMDB' };
  const patterns = cleanPatterns(server.private);
  if (patterns === '')
    return { ...base, status: 'ok', summary: 'the company modgate has no private patterns' };
  const go = ctx.go!;
  const noSumdb =
    go.env.GONOSUMDB !== undefined && go.env.GONOSUMDB !== ''
      ? go.env.GONOSUMDB
      : (go.env.GOPRIVATE ?? '');
  const missing = patterns.split(',').filter((p) => !matchPrefixPatterns(noSumdb, p));
  if (missing.length === 0) {
    return { ...base, status: 'ok', summary: `covers the company's private patterns ${patterns}` };
  }
  return {
    ...base,
    status: 'fail',
    summary: `the company's private patterns ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in GONOSUMDB${(go.sources.GONOSUMDB ?? 'default') === 'default' ? ' (nor GOPRIVATE)' : ''}`,
    why: 'those module paths are looked up in the public checksum database: their names leave the company and the lookups fail ("verifying go.mod: … 404 Not Found")',
    ...goEnvFix(ctx, 'GONOSUMDB', cleanPatterns([noSumdb, ...missing].join(','))),
    details: [
      `GONOSUMDB=${go.env.GONOSUMDB ?? ''}`,
      `GOPRIVATE=${go.env.GOPRIVATE ?? ''}`,
      `company private patterns: ${patterns}`,
    ],
  };
}

function gosumdbAgrees(ctx: DoctorContext, server: ClientConfig): Finding {
  const base = { check: ID, layer: 'server' as const, subject: 'GOSUMDB' };
  const wanted = server.gosumdb.trim().split(/\s+/).join(' ');
  const value = (ctx.go?.env.GOSUMDB ?? '').trim().split(/\s+/).join(' ');
  if (wanted === '')
    return { ...base, status: 'ok', summary: 'the company modgate recommends no GOSUMDB' };
  if (wanted === value)
    return { ...base, status: 'ok', summary: `${value} (as the company modgate recommends)` };
  return {
    ...base,
    status: 'fail',
    summary: `GOSUMDB=${redactUrl(value)}, the company modgate recommends ${redactUrl(wanted)}`,
    why: 'downloads are verified against another checksum database than the company expects (or none)',
    ...goEnvFix(ctx, 'GOSUMDB', wanted),
  };
}
