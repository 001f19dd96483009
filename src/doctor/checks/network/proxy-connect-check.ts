/**
 * network.proxy-connect — for each https URL the go command reaches through an outbound proxy,
 * ask the proxy for the tunnel the way the go command does (`CONNECT host:443`, with the proxy
 * URL's user:password as Basic credentials) and say what it answered: 200 (tunnel open), 407
 * (the proxy wants credentials, or refused the ones given), 403 (the proxy's policy refuses that
 * host), 502/503/504 (the proxy could not reach it). Plain-http URLs go to the proxy as ordinary
 * requests: network.http covers them.
 */
import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { redactUrl } from '../../../protocol/redact-url.js';
import { openTunnel, portOf } from './connect-route.js';
import { earlierStageSkip } from './earlier-stage.js';
import { hostOf } from './go-proxy-rules.js';
import { goSystemRoots } from './go-system-roots.js';
import { routedTargets, type RoutedTarget } from './network-targets.js';

const ID = 'network.proxy-connect';

export const proxyConnectCheck: Check = {
  id: ID,
  layer: 'network',
  network: true,
  async run(ctx) {
    const tunnels = new Map<string, RoutedTarget>();
    for (const t of routedTargets(ctx)) {
      if (t.route.kind !== 'proxy' || t.probe.protocol !== 'https:') continue;
      tunnels.set(`${t.route.proxy.href} ${hostOf(t.probe)}:${portOf(t.probe)}`, t);
    }
    if (tunnels.size === 0) {
      return [
        {
          check: ID,
          layer: 'network',
          status: 'skip',
          summary: ctx.t('network.proxy-connect.none'),
        },
      ];
    }
    return Promise.all([...tunnels.values()].map((t) => tunnelFinding(ctx, t)));
  },
};

async function tunnelFinding(ctx: DoctorContext, t: RoutedTarget): Promise<Finding> {
  if (t.route.kind !== 'proxy') throw new Error('unreachable: direct route');
  const proxy = t.route.proxy;
  const variable = t.route.setting.variable;
  const shownProxy = redactUrl(proxy.href.replace(/\/$/, ''));
  const target = `${hostOf(t.probe)}:${portOf(t.probe)}`;
  const subject = t.subject;
  const base = { check: ID, layer: 'network' as const, subject };
  const tr = ctx.t;
  const details = [
    tr('network.proxy-connect.detail.proxy', { proxy: shownProxy, variable }),
    tr('network.for', { role: t.role }),
  ];
  const started = Date.now();
  try {
    const roots = await goSystemRoots(ctx.env);
    const { socket, status, statusLine } = await openTunnel(
      proxy,
      hostOf(t.probe),
      portOf(t.probe),
      { timeoutMs: ctx.probeTimeoutMs, signal: ctx.signal },
      roots.pems,
    );
    socket.destroy();
    details.push(tr('network.proxy-connect.detail.answer', { line: statusLine }));
    if (status === 200) {
      return {
        ...base,
        status: 'ok',
        summary: tr('network.proxy-connect.ok', {
          proxy: shownProxy,
          target,
          ms: Date.now() - started,
        }),
        details,
      };
    }
    if (status === 407) {
      const hasCredentials = proxy.username !== '' || proxy.password !== '';
      return {
        ...base,
        status: 'fail',
        summary: hasCredentials
          ? tr('network.proxy-connect.refused-credentials', { proxy: shownProxy, variable, target })
          : tr('network.proxy-connect.wants-credentials', { proxy: shownProxy, target }),
        why: tr('network.proxy-connect.407.why'),
        fix: [
          tr('network.proxy-connect.407.fix', { variable, host: proxy.host }),
          tr('network.proxy-connect.407.ntlm'),
        ],
        details,
      };
    }
    if (status === 403) {
      return {
        ...base,
        status: 'fail',
        summary: tr('network.proxy-connect.403', { proxy: shownProxy, target }),
        why: tr('network.proxy-connect.403.why', { host: hostOf(t.probe), role: t.role }),
        fix: [
          tr('network.proxy-connect.403.ask', { target }),
          tr('network.proxy-connect.403.no-proxy', {
            host: hostOf(t.probe),
            value: noProxyWith(ctx, hostOf(t.probe)),
          }),
        ],
        details,
      };
    }
    return {
      ...base,
      status: 'fail',
      summary: tr('network.proxy-connect.other', {
        proxy: shownProxy,
        target,
        answer: status === 0 ? tr('network.proxy-connect.not-http') : statusLine,
      }),
      why:
        status >= 500
          ? tr('network.proxy-connect.5xx.why', { target })
          : tr('network.proxy-connect.other.why'),
      fix: [tr('network.proxy-connect.curl', { proxy: shownProxy, target })],
      details,
    };
  } catch (error) {
    const skip = earlierStageSkip(
      ID,
      subject,
      error,
      'proxy',
      ctx.probeTimeoutMs,
      `${hostOf(proxy)}:${portOf(proxy)}`,
      tr,
    );
    if (skip !== undefined) return skip;
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      status: message.includes('SOCKS5') ? 'skip' : 'fail',
      summary: message.includes('SOCKS5')
        ? message
        : tr('network.proxy-connect.failed', { target, proxy: shownProxy, message }),
      why: tr('network.proxy-connect.failed.why'),
      fix: [`curl -v --proxy '${shownProxy}' https://${target}/`],
      details,
    };
  }
}

function noProxyWith(ctx: DoctorContext, host: string): string {
  const current = ctx.env.NO_PROXY || ctx.env.no_proxy || '';
  return current === '' ? host : `${current},${host}`;
}
