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
      return [{ check: ID, layer: 'network', status: 'skip', summary: 'nothing to connect to' }];
    }
    return Promise.all([...hops.values()].map((targets) => connectFinding(ctx, targets)));
  },
};

async function connectFinding(ctx: DoctorContext, targets: RoutedTarget[]): Promise<Finding> {
  const hop = firstHop(targets[0]!);
  const hostPort = `${hop.host}:${hop.port}`;
  const subject = hop.label;
  const details = targets.map((t) =>
    hop.viaProxy
      ? `outbound proxy for ${t.subject} (${t.role})`
      : `used for: ${t.subject} (${t.role})`,
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
      summary: `connected to ${hostPort}${address !== hop.host ? ` (${address})` : ''} in ${ms} ms`,
      details,
    };
  } catch (error) {
    const skip = earlierStageSkip(ID, subject, error, 'tcp', ctx.probeTimeoutMs, hop.host);
    if (skip !== undefined) return skip;
    const code = errorCode(error);
    return {
      check: ID,
      layer: 'network',
      status: 'fail',
      subject,
      summary: tcpProblem(code, hostPort, ctx.probeTimeoutMs),
      why: hop.viaProxy
        ? 'every request of the go command to the URLs below goes through this outbound proxy, so all of them fail'
        : `the go command cannot reach ${subject}: downloads from it fail (GOPROXY entries after a "," stop the download; after a "|" the next one is tried)`,
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
      `# the outbound proxy in ${variable} is down or its address is wrong: ask for the right one, then`,
      `export ${variable}=http://<proxy host>:<port>`,
      `# or, if this network reaches the hosts directly: unset ${variable}`,
    ];
  }
  const fixes: string[] = [];
  if (code === 'ECONNREFUSED') {
    fixes.push(`# nothing listens on that port: check the URL (port, scheme) of ${t.role}`);
  } else if (code === 'TIMEOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    fixes.push(
      '# a firewall or a missing route: connect the VPN if the host is internal,',
      '# or go through the company outbound proxy: export HTTPS_PROXY=http://<proxy host>:<port>',
    );
  }
  if (t.kind === 'goproxy') {
    fixes.push(
      ctx.server !== undefined
        ? `go env -w GOPROXY=${ctx.server.goproxy}   # what the company's modgate recommends`
        : 'go env -w GOPROXY=<a reachable proxy>,direct   # e.g. the company modgate',
    );
  }
  if (t.kind === 'sumdb')
    fixes.push('go env -w GOSUMDB=<name key url>   # a checksum database URL this machine reaches');
  return fixes;
}
