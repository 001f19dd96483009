import type { Check } from '../../check.js';
import type { DoctorContext, ModuleNeeds } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { parseGoproxyList } from '../../../protocol/goproxy-list.js';

/** Proxies run for everyone: a private module path sent there leaves the company. */
export const PUBLIC_PROXY_HOSTS = [
  'proxy.golang.org',
  'goproxy.io',
  'goproxy.cn',
  'mirrors.aliyun.com',
  'proxy.golang.com.cn',
  'goproxy.dev',
];

/** Public checksum databases (GOSUMDB names). */
export const PUBLIC_SUMDBS = ['sum.golang.org', 'sum.golang.google.cn'];

/** Code hosts where the first two path elements (host/owner) name one organisation. */
export const PUBLIC_CODE_HOSTS = [
  'github.com',
  'gitlab.com',
  'bitbucket.org',
  'codeberg.org',
  'gitea.com',
];

/**
 * A check of the module layer: `examine` runs with the module doctor is in; outside a module
 * the check is a skip finding (`noModule`). None of them opens connections.
 */
export function moduleCheck(
  id: string,
  examine: (ctx: DoctorContext, module: ModuleNeeds) => Finding[] | Promise<Finding[]>,
): Check {
  return {
    id,
    layer: 'module',
    network: false,
    run: async (ctx) => noModule(id, ctx) ?? examine(ctx, ctx.module!),
  };
}

/** A skip finding when doctor is not in a module. */
export function noModule(id: string, ctx: DoctorContext): Finding[] | undefined {
  if (ctx.module !== undefined) return undefined;
  return [
    {
      check: id,
      layer: 'module',
      status: 'skip',
      summary: ctx.t('module.none', { dir: ctx.dir }),
    },
  ];
}

/** The public proxies (redacted URLs) a non-GONOPROXY path is sent to, by the machine's GOPROXY. */
export function publicProxies(ctx: DoctorContext): string[] {
  try {
    return parseGoproxyList(ctx.go?.env.GOPROXY ?? 'https://proxy.golang.org,direct')
      .filter(
        (e) =>
          e.kind === 'proxy' &&
          e.url !== undefined &&
          PUBLIC_PROXY_HOSTS.includes(new URL(e.url).hostname),
      )
      .map((e) => e.redactedUrl ?? '');
  } catch {
    return [];
  }
}

/** The public checksum database's name when GOSUMDB is one, else undefined. */
export function publicSumdb(ctx: DoctorContext): string | undefined {
  const name =
    (ctx.go?.env.GOSUMDB ?? 'sum.golang.org').trim().split(/\s+/)[0]?.split('+')[0] ?? '';
  return PUBLIC_SUMDBS.includes(name) ? name : undefined;
}

/** The pattern that names a module's organisation: `host/owner` on public code hosts, else the host. */
export function orgPattern(path: string): string {
  const [host = '', owner] = path.split('/');
  return PUBLIC_CODE_HOSTS.includes(host) && owner !== undefined ? `${host}/${owner}` : host;
}
