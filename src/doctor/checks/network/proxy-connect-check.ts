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
          summary: 'no https URL goes through an outbound proxy',
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
  const details = [`proxy: ${shownProxy} (${variable})`, `for: ${t.role}`];
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
    details.push(`answer: ${statusLine}`);
    if (status === 200) {
      return {
        ...base,
        status: 'ok',
        summary: `${shownProxy} opens a tunnel to ${target} (${Date.now() - started} ms)`,
        details,
      };
    }
    if (status === 407) {
      const hasCredentials = proxy.username !== '' || proxy.password !== '';
      return {
        ...base,
        status: 'fail',
        summary: hasCredentials
          ? `${shownProxy} refuses the credentials in ${variable} (407 Proxy Authentication Required) for CONNECT ${target}`
          : `${shownProxy} wants credentials (407 Proxy Authentication Required) for CONNECT ${target}`,
        why: 'the go command sends only the user:password written in the proxy URL (Basic authentication); without accepted credentials every request through the proxy fails',
        fix: [
          `export ${variable}=http://<user>:<password>@${proxy.host}   # URL-encode special characters in the password`,
          '# a proxy that wants NTLM or Kerberos: run a local forwarder (cntlm, px) and point the variable at it',
        ],
        details,
      };
    }
    if (status === 403) {
      return {
        ...base,
        status: 'fail',
        summary: `${shownProxy} refuses to tunnel to ${target} (403 Forbidden)`,
        why: `the proxy's policy blocks ${hostOf(t.probe)}: the go command cannot reach ${t.role} through it`,
        fix: [
          `# ask the proxy's administrators to allow CONNECT to ${target}`,
          `# or, if ${hostOf(t.probe)} is reachable without the proxy (an internal host): export NO_PROXY=${noProxyWith(ctx, hostOf(t.probe))} no_proxy=${noProxyWith(ctx, hostOf(t.probe))}`,
        ],
        details,
      };
    }
    return {
      ...base,
      status: 'fail',
      summary: `${shownProxy} answered CONNECT ${target} with ${status === 0 ? 'something that is not HTTP' : statusLine}`,
      why:
        status >= 500
          ? `the proxy could not reach ${target} (its DNS or its own route to the host): the go command fails the same way`
          : 'the go command needs a 200 answer to CONNECT to reach the host',
      fix: [
        `curl -v --proxy '${shownProxy}' https://${target}/   # the same request, to show the proxy's answer`,
      ],
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
    );
    if (skip !== undefined) return skip;
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      status: message.includes('SOCKS5') ? 'skip' : 'fail',
      summary: message.includes('SOCKS5')
        ? message
        : `CONNECT ${target} through ${shownProxy} failed: ${message}`,
      why: 'the go command cannot get through the proxy',
      fix: [`curl -v --proxy '${shownProxy}' https://${target}/`],
      details,
    };
  }
}

function noProxyWith(ctx: DoctorContext, host: string): string {
  const current = ctx.env.NO_PROXY || ctx.env.no_proxy || '';
  return current === '' ? host : `${current},${host}`;
}
