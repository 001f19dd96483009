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
      const use = hop.viaProxy
        ? `the outbound proxy for ${t.subject} (${t.role}; the proxy resolves that name)`
        : `${t.subject} (${t.role})`;
      hosts.set(hop.host, [...(hosts.get(hop.host) ?? []), use]);
    }
    if (hosts.size === 0) {
      return [
        {
          check: ID,
          layer: 'network',
          status: 'skip',
          summary: 'no host to look up (no GOPROXY URL, checksum database or private git host)',
        },
      ];
    }
    const resolver = await resolverLines();
    return Promise.all([...hosts].map(([host, uses]) => lookupFinding(ctx, host, uses, resolver)));
  },
};

async function lookupFinding(
  ctx: DoctorContext,
  host: string,
  uses: string[],
  resolver: string[],
): Promise<Finding> {
  const usedBy = uses.map((u) => `used for: ${u}`);
  if (isIP(host) !== 0) {
    return {
      check: ID,
      layer: 'network',
      status: 'ok',
      subject: host,
      summary: `${host} is an IP address (no lookup)`,
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
      summary: `${host} resolves to ${list} (${Date.now() - started} ms)`,
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
        summary: 'not tried: the doctor run was stopped',
      };
    }
    return {
      check: ID,
      layer: 'network',
      status: 'fail',
      subject: host,
      summary: dnsProblem(code, host, ctx.probeTimeoutMs),
      why: 'the go command cannot connect to a host whose name does not resolve: every download from it fails with "no such host" or "server misbehaving"',
      fix: dnsFixes(host, code),
      details: [...resolver, ...usedBy],
    };
  }
}

function dnsFixes(host: string, code: string): string[] {
  const fixes = [
    `getent hosts ${host}   # what this machine's resolver answers (check the name for typos)`,
  ];
  if (code === 'ENOTFOUND' || code === 'ENODATA') {
    fixes.push(
      `# an internal name: connect the VPN, or use the company's name servers (nameserver lines in /etc/resolv.conf)`,
      `# or pin the address: echo '<address> ${host}' | sudo tee -a /etc/hosts`,
      `# a public name that only resolves outside: set the outbound proxy, e.g. export HTTPS_PROXY=http://proxy.example.com:3128`,
    );
  } else {
    fixes.push(
      `# the name servers do not answer: check the nameserver lines in /etc/resolv.conf (a VPN may have set one that is unreachable now)`,
      `# or pin the address: echo '<address> ${host}' | sudo tee -a /etc/hosts`,
    );
  }
  return fixes;
}

/** Which resolver answers: /etc/resolv.conf name servers (and Node's view of them), /etc/hosts first. */
async function resolverLines(): Promise<string[]> {
  const conf = await readFile('/etc/resolv.conf', 'utf8').catch(() => undefined);
  const servers =
    conf === undefined
      ? []
      : conf
          .split('\n')
          .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
          .filter((s): s is string => s !== undefined);
  const lines = [
    `resolver: /etc/hosts, then name servers ${servers.length > 0 ? servers.join(', ') : '(none in /etc/resolv.conf)'} (/etc/resolv.conf)`,
  ];
  const seen = getServers();
  if (seen.join(',') !== servers.join(','))
    lines.push(`name servers seen by Node: ${seen.join(', ') || '(none)'}`);
  return lines;
}
