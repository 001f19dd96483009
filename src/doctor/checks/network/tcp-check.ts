/**
 * network.tcp — can this machine open a TCP connection to each first hop the go command uses
 * (the outbound proxy when one applies, else the GOPROXY server, checksum database or git
 * host), and how long does it take? Refused means nothing listens (wrong port, service or proxy
 * down); no answer within the probe time reads as a firewall dropping packets; unreachable means
 * no route (a VPN not connected).
 */
import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { connectTcp } from './connect-route.js';
import { earlierStageSkip } from './earlier-stage.js';
import { errorCode, tcpProblem } from './network-failure.js';
import { firstHop, routedTargets, type RoutedTarget } from './network-targets.js';

const ID = 'network.tcp';

export const tcpCheck: Check = {
  id: ID,
  layer: 'network',
  network: true,
  async run(ctx) {
    const hops = new Map<string, RoutedTarget[]>();
    for (const t of routedTargets(ctx)) {
      const hop = firstHop(t);
      const key = `${hop.host}:${hop.port}`;
      hops.set(key, [...(hops.get(key) ?? []), t]);
    }
    if (hops.size === 0) {
      return [
        { check: ID, layer: 'network', status: 'skip', summary: ctx.t('network.tcp.nothing') },
      ];
    }
    return Promise.all([...hops.values()].map((targets) => connectFinding(ctx, targets)));
  },
};

async function connectFinding(ctx: DoctorContext, targets: RoutedTarget[]): Promise<Finding> {
  const hop = firstHop(targets[0]!);
  const hostPort = `${hop.host}:${hop.port}`;
  const subject = hop.label;
  const details = targets.map((t) =>
    ctx.t(hop.viaProxy ? 'network.tcp.detail.proxy' : 'network.tcp.detail.used', {
      subject: t.subject,
      role: t.role,
    }),
  );
  try {
    const { socket, address, ms } = await connectTcp(hop.host, hop.port, {
      timeoutMs: ctx.probeTimeoutMs,
      signal: ctx.signal,
    });
    socket.destroy();
    return {
      check: ID,
      layer: 'network',
      status: 'ok',
      subject,
      summary:
        address !== hop.host
          ? ctx.t('network.tcp.ok.address', { target: hostPort, address, ms })
          : ctx.t('network.tcp.ok', { target: hostPort, ms }),
      details,
    };
  } catch (error) {
    const skip = earlierStageSkip(ID, subject, error, 'tcp', ctx.probeTimeoutMs, hop.host, ctx.t);
    if (skip !== undefined) return skip;
    const code = errorCode(error);
    return {
      check: ID,
      layer: 'network',
      status: 'fail',
      subject,
      summary: tcpProblem(code, hostPort, ctx.probeTimeoutMs, ctx.t),
      why: hop.viaProxy ? ctx.t('network.tcp.proxy.why') : ctx.t('network.tcp.why', { subject }),
      fix: tcpFixes(ctx, targets, code),
      details,
    };
  }
}

function tcpFixes(ctx: DoctorContext, targets: RoutedTarget[], code: string): string[] {
  const t = targets[0]!;
  if (t.route.kind === 'proxy') {
    const variable = t.route.setting.variable;
    return [
      ctx.t('network.tcp.fix.proxy-down', { variable }),
      `export ${variable}=http://<proxy host>:<port>`,
      ctx.t('network.tcp.fix.proxy-unset', { variable }),
    ];
  }
  const fixes: string[] = [];
  if (code === 'ECONNREFUSED') {
    fixes.push(ctx.t('network.tcp.fix.refused', { role: t.role }));
  } else if (code === 'TIMEOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    fixes.push(ctx.t('network.tcp.fix.firewall'), ctx.t('network.tcp.fix.via-proxy'));
  }
  if (t.kind === 'goproxy') {
    fixes.push(
      ctx.server !== undefined
        ? ctx.t('network.tcp.fix.goproxy.server', { goproxy: ctx.server.goproxy })
        : ctx.t('network.tcp.fix.goproxy'),
    );
  }
  if (t.kind === 'sumdb') fixes.push(ctx.t('network.tcp.fix.gosumdb'));
  return fixes;
}
