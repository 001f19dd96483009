/**
 * network.dns — does each host the go command connects to resolve, and to what? The go
 * command (cgo or its own resolver) follows /etc/nsswitch.conf: /etc/hosts, then the name
 * servers of /etc/resolv.conf; getaddrinfo (dns.lookup) answers the same way. When an
 * outbound proxy applies, the go command resolves only the proxy: the proxy resolves the
 * target, so the target's name is not looked up here.
 */
import { getServers } from 'node:dns';
import { readFile } from 'node:fs/promises';
import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import type { DoctorTranslate } from '../../doctor-messages.js';
import { resolveHost } from './connect-route.js';
import { NetworkFailure, dnsProblem, errorCode } from './network-failure.js';
import { firstHop, routedTargets } from './network-targets.js';
import { isIP } from 'node:net';

const ID = 'network.dns';

export const dnsCheck: Check = {
  id: ID,
  layer: 'network',
  network: true,
  async run(ctx) {
    const hosts = new Map<string, string[]>();
    for (const t of routedTargets(ctx)) {
      const hop = firstHop(t);
      const use = ctx.t(hop.viaProxy ? 'network.dns.use.proxy' : 'network.dns.use', {
        subject: t.subject,
        role: t.role,
      });
      hosts.set(hop.host, [...(hosts.get(hop.host) ?? []), use]);
    }
    if (hosts.size === 0) {
      return [
        {
          check: ID,
          layer: 'network',
          status: 'skip',
          summary: ctx.t('network.dns.none'),
        },
      ];
    }
    const resolver = await resolverLines(ctx.t);
    return Promise.all([...hosts].map(([host, uses]) => lookupFinding(ctx, host, uses, resolver)));
  },
};

async function lookupFinding(
  ctx: DoctorContext,
  host: string,
  uses: string[],
  resolver: string[],
): Promise<Finding> {
  const t = ctx.t;
  const usedBy = uses.map((use) => t('network.used-for', { use }));
  if (isIP(host) !== 0) {
    return {
      check: ID,
      layer: 'network',
      status: 'ok',
      subject: host,
      summary: t('network.dns.ip', { host }),
      details: usedBy,
    };
  }
  const started = Date.now();
  try {
    const addresses = await resolveHost(host, {
      timeoutMs: ctx.probeTimeoutMs,
      signal: ctx.signal,
    });
    const list = addresses.map((a) => a.address).join(', ');
    return {
      check: ID,
      layer: 'network',
      status: 'ok',
      subject: host,
      summary: t('network.dns.ok', { host, addresses: list, ms: Date.now() - started }),
      details: [...resolver, ...usedBy],
    };
  } catch (error) {
    const code = errorCode(error);
    if (error instanceof NetworkFailure && code === 'ABORTED') {
      return {
        check: ID,
        layer: 'network',
        status: 'skip',
        subject: host,
        summary: t('network.stopped'),
      };
    }
    return {
      check: ID,
      layer: 'network',
      status: 'fail',
      subject: host,
      summary: dnsProblem(code, host, ctx.probeTimeoutMs, t),
      why: t('network.dns.fail.why'),
      fix: dnsFixes(host, code, t),
      details: [...resolver, ...usedBy],
    };
  }
}

function dnsFixes(host: string, code: string, t: DoctorTranslate): string[] {
  const fixes = [t('network.dns.fix.getent', { host })];
  if (code === 'ENOTFOUND' || code === 'ENODATA') {
    fixes.push(
      t('network.dns.fix.vpn'),
      t('network.dns.fix.hosts', { host }),
      t('network.dns.fix.proxy'),
    );
  } else {
    fixes.push(t('network.dns.fix.servers'), t('network.dns.fix.hosts', { host }));
  }
  return fixes;
}

/** Which resolver answers: /etc/resolv.conf name servers (and Node's view of them), /etc/hosts first. */
async function resolverLines(t: DoctorTranslate): Promise<string[]> {
  const conf = await readFile('/etc/resolv.conf', 'utf8').catch(() => undefined);
  const servers =
    conf === undefined
      ? []
      : conf
          .split('\n')
          .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
          .filter((s): s is string => s !== undefined);
  const lines = [
    t('network.dns.resolver', {
      servers: servers.length > 0 ? servers.join(', ') : t('network.dns.resolver.none'),
    }),
  ];
  const seen = getServers();
  if (seen.join(',') !== servers.join(','))
    lines.push(t('network.dns.node-servers', { servers: seen.join(', ') || t('network.none') }));
  return lines;
}
