import type { Check } from '../../check.js';
import type { DoctorContext, FetchedModule } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { matchPrefixPatterns } from '../../../module/index.js';
import { goEnvFix } from '../go-env/go-env-fix.js';
import { cleanPatterns } from '../go-env/private-patterns-check.js';
import { moduleCheck, orgPattern, publicProxies, publicSumdb } from './module-scope.js';

const ID = 'module.private-paths';

/**
 * Private module paths that would leave the company (DESIGN §4 "private stays private"):
 *
 * - a path private by GOPRIVATE (or the company modgate's patterns) that GONOPROXY does not
 *   cover while GOPROXY names a public proxy: its name is sent there, and the download fails;
 * - one that GONOSUMDB does not cover while GOSUMDB is the public checksum database: looked
 *   up there ("verifying module: … 404/410"), its name leaks;
 * - a requirement that looks private but no pattern covers at all: on the company modgate's
 *   private list (fail), or under the same organisation as the main module — the same host,
 *   or host/owner on public code hosts — (warn: doctor cannot tell it is private offline).
 *
 * The fix goes to GONOSUMDB when the company modgate serves private modules (it fetches them
 * itself), else to GOPRIVATE (fetched direct, never sent to a public service).
 */
export const privatePathsCheck: Check = moduleCheck(ID, (ctx, module) => {
  if (ctx.go === undefined) {
    return [
      {
        check: ID,
        layer: 'module',
        status: 'skip',
        summary: ctx.t('module.no-go'),
      },
    ];
  }
  const findings: Finding[] = [];
  const proxies = publicProxies(ctx);
  const sumdb = publicSumdb(ctx);
  const goprivate = ctx.go.env.GOPRIVATE ?? '';
  const serverPrivate = ctx.server?.private ?? '';
  const mainOrgs = new Set(module.mainModules.map(orgPattern));
  for (const m of module.fetched) {
    const privateByMachine = matchPrefixPatterns(goprivate, m.path) || m.noProxy || m.noSumdb;
    const privateByServer = serverPrivate !== '' && matchPrefixPatterns(serverPrivate, m.path);
    const sameOrg = mainOrgs.has(orgPattern(m.path));
    if (!privateByMachine && !privateByServer && !sameOrg) continue;
    const leaks: string[] = [];
    if (!m.noProxy && proxies.length > 0) {
      leaks.push(ctx.t('module.private-paths.public-proxy', { proxies: proxies.join(', ') }));
    }
    if (!m.noSumdb && sumdb !== undefined)
      leaks.push(ctx.t('module.private-paths.public-sumdb', { name: sumdb }));
    if (leaks.length === 0) continue;
    findings.push(leak(ctx, m, leaks, privateByMachine || privateByServer));
  }
  if (findings.length === 0) {
    const priv = module.fetched.filter((f) => f.noProxy || f.noSumdb).map((f) => f.path);
    findings.push({
      check: ID,
      layer: 'module',
      status: 'ok',
      summary:
        priv.length === 0
          ? ctx.t('module.private-paths.none')
          : ctx.t(
              priv.length === 1 ? 'module.private-paths.ok.one' : 'module.private-paths.ok.other',
              { n: priv.length },
            ),
      ...(priv.length === 0 ? {} : { details: priv }),
    });
  }
  return findings;
});

function leak(ctx: DoctorContext, m: FetchedModule, leaks: string[], known: boolean): Finding {
  const pattern = orgPattern(m.path);
  const companyProxy = ctx.server !== undefined;
  const variable = companyProxy ? 'GONOSUMDB' : 'GOPRIVATE';
  const current = ctx.go?.env[variable] ?? '';
  const value = cleanPatterns([current, pattern].filter(Boolean).join(','));
  const services = leaks.join(ctx.t('module.private-paths.and'));
  return {
    check: ID,
    layer: 'module',
    status: known ? 'fail' : 'warn',
    subject: m.path,
    summary: known
      ? ctx.t('module.private-paths.known', { path: m.path, services })
      : ctx.t('module.private-paths.looks', { path: m.path, pattern, services }),
    why: ctx.t(known ? 'module.private-paths.known.why' : 'module.private-paths.looks.why'),
    ...goEnvFix(ctx, variable, value),
    details: [
      `GOPRIVATE=${ctx.go?.env.GOPRIVATE ?? ''}`,
      `GONOPROXY=${ctx.go?.env.GONOPROXY ?? ''}`,
      `GONOSUMDB=${ctx.go?.env.GONOSUMDB ?? ''}`,
      ...(companyProxy
        ? [ctx.t('module.private-paths.server', { patterns: ctx.server?.private ?? '' })]
        : []),
    ],
  };
}
