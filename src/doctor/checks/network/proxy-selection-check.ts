/**
 * network.proxy-selection — which outbound proxy the go command uses for each URL, by Go's
 * rules (go-proxy-rules.ts), and where the settings are fragile: upper- and lower-case
 * variables with different values (the go command reads upper case first, curl — and so git —
 * lower case first), a proxy value the go command ignores or reads with an implied `http://`,
 * and NO_PROXY not covering an internal host (a private git host other than the public code
 * hosts, the company's modgate, a private address, an intranet name), which then goes out
 * through the outside proxy. "Internal" is a guess from the name; the finding is a warning. Reads the environment only.
 */
import { BlockList, isIP } from 'node:net';
import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { redactUrl } from '../../../protocol/redact-url.js';
import { hostOf, parseGoProxyUrl, readGoProxyEnv, type ProxyVariable } from './go-proxy-rules.js';
import { routedTargets, type RoutedTarget } from './network-targets.js';

const ID = 'network.proxy-selection';

const PAIRS: readonly (readonly [ProxyVariable, ProxyVariable, 'https' | 'http' | 'no'])[] = [
  ['HTTPS_PROXY', 'https_proxy', 'https'],
  ['HTTP_PROXY', 'http_proxy', 'http'],
  ['NO_PROXY', 'no_proxy', 'no'],
];

export const proxySelectionCheck: Check = {
  id: ID,
  layer: 'network',
  network: true,
  run(ctx) {
    const findings: Finding[] = [...caseConflicts(ctx), ...proxyValues(ctx)];
    for (const t of routedTargets(ctx)) findings.push(routeFinding(ctx, t));
    if (findings.length === 0) {
      findings.push({
        check: ID,
        layer: 'network',
        status: 'ok',
        summary: ctx.t('network.proxy-selection.none'),
      });
    }
    return Promise.resolve(findings);
  },
};

function show(variable: ProxyVariable, value: string): string {
  return variable.toLowerCase().startsWith('no_') ? value : redactUrl(value);
}

function caseConflicts(ctx: DoctorContext): Finding[] {
  const findings: Finding[] = [];
  for (const [upper, lower, others] of PAIRS) {
    const u = ctx.env[upper];
    const l = ctx.env[lower];
    if (u === undefined || l === undefined || u === '' || l === '' || u === l) continue;
    findings.push({
      check: ID,
      layer: 'network',
      status: 'warn',
      subject: `${upper} / ${lower}`,
      summary: ctx.t('network.proxy-selection.case', {
        upper,
        lower,
        upperValue: show(upper, u),
        lowerValue: show(lower, l),
        others: ctx.t(`network.proxy-selection.others.${others}`),
      }),
      why: ctx.t('network.proxy-selection.case.why'),
      fix: [
        ctx.t('network.proxy-selection.case.fix', { upper, lower }),
        `# or: export ${upper}="$${lower}"`,
      ],
    });
  }
  return findings;
}

function proxyValues(ctx: DoctorContext): Finding[] {
  const env = readGoProxyEnv(ctx.env);
  const findings: Finding[] = [];
  for (const setting of [env.https, env.http]) {
    if (setting === undefined) continue;
    const parsed = parseGoProxyUrl(setting.value);
    const shown = redactUrl(setting.value);
    if (parsed === undefined) {
      findings.push({
        check: ID,
        layer: 'network',
        status: 'warn',
        subject: setting.variable,
        summary: ctx.t('network.proxy-selection.not-url', {
          variable: setting.variable,
          value: shown,
        }),
        why: ctx.t('network.proxy-selection.not-url.why'),
        fix: [`export ${setting.variable}=http://<proxy host>:<port>`],
      });
    } else if (parsed.implied) {
      findings.push({
        check: ID,
        layer: 'network',
        status: 'warn',
        subject: setting.variable,
        summary: ctx.t('network.proxy-selection.no-scheme', {
          variable: setting.variable,
          value: shown,
          url: redactUrl(parsed.url.href.replace(/\/$/, '')),
        }),
        why: ctx.t('network.proxy-selection.no-scheme.why'),
        fix: [`export ${setting.variable}="http://$${setting.variable}"`],
      });
    }
  }
  return findings;
}

function routeFinding(ctx: DoctorContext, t: RoutedTarget): Finding {
  const route = t.route;
  const internal = internalReason(ctx, t);
  if (route.kind === 'direct') {
    return {
      check: ID,
      layer: 'network',
      status: 'ok',
      subject: t.subject,
      summary: ctx.t('network.proxy-selection.direct', { role: t.role, reason: route.reason }),
    };
  }
  const via = ctx.t('network.proxy-selection.via', {
    proxy: redactUrl(route.proxy.href.replace(/\/$/, '')),
    variable: route.setting.variable,
  });
  if (internal === undefined) {
    return {
      check: ID,
      layer: 'network',
      status: 'ok',
      subject: t.subject,
      summary: ctx.t('network.proxy-selection.proxied', { role: t.role, via }),
    };
  }
  const host = hostOf(t.probe);
  const env = readGoProxyEnv(ctx.env);
  const current = env.noProxy?.value ?? '';
  const value = current === '' ? host : `${current},${host}`;
  return {
    check: ID,
    layer: 'network',
    status: 'warn',
    subject: t.subject,
    summary: ctx.t('network.proxy-selection.internal', {
      role: t.role,
      via,
      host,
      internal: ctx.t(`network.internal.${internal}`),
    }),
    why: ctx.t('network.proxy-selection.internal.why'),
    fix: [`export NO_PROXY=${value} no_proxy=${value}`],
    details:
      current === ''
        ? [ctx.t('network.proxy-selection.no-proxy-unset')]
        : [`${env.noProxy!.variable}=${current}`],
  };
}

const PRIVATE_RANGES = new BlockList();
PRIVATE_RANGES.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE_RANGES.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE_RANGES.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE_RANGES.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE_RANGES.addSubnet('fc00::', 7, 'ipv6');

/** Public code hosts: private modules there are reached through the outside proxy like any public host. */
const PUBLIC_CODE_HOSTS = [
  'github.com',
  'gitlab.com',
  'bitbucket.org',
  'dev.azure.com',
  'visualstudio.com',
  'codeberg.org',
  'gitee.com',
  'sr.ht',
];

const INTERNAL_SUFFIXES = [
  '.local',
  '.internal',
  '.corp',
  '.lan',
  '.intranet',
  '.home.arpa',
  '.localdomain',
];

/** Why a target's host looks internal (so an outside proxy should not carry it), or undefined. */
function internalReason(
  ctx: DoctorContext,
  t: RoutedTarget,
): 'git-host' | 'server' | 'private-address' | 'single-label' | 'intranet' | undefined {
  const host = hostOf(t.probe);
  if (
    t.kind === 'git-host' &&
    !PUBLIC_CODE_HOSTS.some((h) => host === h || host.endsWith('.' + h))
  ) {
    return 'git-host';
  }
  if (ctx.server !== undefined) {
    try {
      if (hostOf(new URL(ctx.server.url)) === host) return 'server';
    } catch {
      // An unparsable server URL is the server layer's finding.
    }
  }
  const family = isIP(host);
  if (family !== 0)
    return PRIVATE_RANGES.check(host, family === 4 ? 'ipv4' : 'ipv6')
      ? 'private-address'
      : undefined;
  if (!host.includes('.')) return 'single-label';
  if (INTERNAL_SUFFIXES.some((s) => host.endsWith(s))) return 'intranet';
  return undefined;
}
