/**
 * network.tls — the TLS handshake the go command makes with each https host (through the
 * proxy's tunnel when one applies), verified the way Go verifies it on Linux: against the system
 * roots and SSL_CERT_FILE / SSL_CERT_DIR (go-system-roots.ts), not Node's bundled list, and the
 * host name against the subject alternative names only. Reports the chain presented, expiry, a
 * name mismatch, and an unknown authority — named as a TLS-intercepting proxy or a missing
 * company CA when the issuer is not a public CA (doctor cannot know which for sure).
 */
import { X509Certificate } from 'node:crypto';
import { rootCertificates, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { nameProblem, openRoute, portOf, type ProbeLimits } from './connect-route.js';
import { earlierStageSkip } from './earlier-stage.js';
import { hostOf } from './go-proxy-rules.js';
import { goSystemRoots } from './go-system-roots.js';
import { errorCode } from './network-failure.js';
import { routedTargets, type RoutedTarget } from './network-targets.js';
import { caInstallFixes } from './ca-install-fixes.js';

const ID = 'network.tls';
const UNKNOWN_AUTHORITY = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
]);
const DAY = 24 * 3600 * 1000;

export const tlsCheck: Check = {
  id: ID,
  layer: 'network',
  network: true,
  async run(ctx) {
    const hosts = new Map<string, RoutedTarget>();
    for (const t of routedTargets(ctx)) {
      if (t.probe.protocol !== 'https:') continue;
      hosts.set(
        `${hostOf(t.probe)}:${portOf(t.probe)} ${t.route.kind === 'proxy' ? t.route.proxy.href : ''}`,
        t,
      );
    }
    if (hosts.size === 0)
      return [{ check: ID, layer: 'network', status: 'skip', summary: ctx.t('network.tls.none') }];
    return Promise.all([...hosts.values()].map((t) => handshakeFinding(ctx, t)));
  },
};

async function handshakeFinding(ctx: DoctorContext, t: RoutedTarget): Promise<Finding> {
  const host = hostOf(t.probe);
  const hostPort = `${host}:${portOf(t.probe)}`;
  const base = { check: ID, layer: 'network' as const, subject: t.subject };
  const tr = ctx.t;
  const limits: ProbeLimits = { timeoutMs: ctx.probeTimeoutMs, signal: ctx.signal };
  const roots = await goSystemRoots(ctx.env);
  let tls: TLSSocket | undefined;
  try {
    tls = (await openRoute(t.probe, t.route, limits, roots.pems)).tls;
  } catch (error) {
    const skip = earlierStageSkip(ID, t.subject, error, 'tls', ctx.probeTimeoutMs, hostPort, tr);
    if (skip !== undefined) return skip;
    return {
      ...base,
      status: 'fail',
      summary: tr('network.tls.no-handshake', {
        target: hostPort,
        message: error instanceof Error ? error.message : String(error),
        code: errorCode(error),
      }),
      why: tr('network.tls.no-handshake.why'),
      fix: [tr('network.tls.no-handshake.fix', { target: hostPort, host })],
    };
  }
  if (tls === undefined) throw new Error('unreachable: https route without TLS');
  const cert = tls.getPeerCertificate(true);
  const authError = tls.authorizationError === null ? undefined : String(tls.authorizationError);
  const protocol = tls.getProtocol() ?? 'TLS';
  tls.destroy();
  const chain = chainOf(cert);
  const details = [
    tr('network.tls.verified-against', {
      protocol,
      sources: roots.sources.join(' + ') || tr('network.tls.no-ca-files'),
    }),
    ...chain.map((c, i) =>
      tr('network.tls.chain', {
        i,
        subject: c.subject,
        issuer: c.issuer,
        from: c.validFrom,
        to: c.validTo,
      }),
    ),
  ];
  const leaf = chain[0];
  const now = Date.now();
  const expired = chain.find((c) => Date.parse(c.validTo) < now);
  const notYet = chain.find((c) => Date.parse(c.validFrom) > now);
  const mismatch = nameProblem(host, cert);
  if (expired !== undefined || authError === 'CERT_HAS_EXPIRED') {
    return {
      ...base,
      status: 'fail',
      summary: tr('network.tls.expired', {
        target: hostPort,
        date: expired?.validTo ?? leaf?.validTo ?? '?',
        which: expired?.subject ?? tr('network.tls.in-chain'),
      }),
      why: tr('network.tls.expired.why'),
      fix: [tr('network.tls.expired.renew', { host }), tr('network.tls.expired.clock')],
      details,
    };
  }
  if (notYet !== undefined || authError === 'CERT_NOT_YET_VALID') {
    return {
      ...base,
      status: 'fail',
      summary: tr('network.tls.not-yet', { target: hostPort, date: notYet?.validFrom ?? '?' }),
      why: tr('network.tls.not-yet.why'),
      fix: [tr('network.tls.not-yet.fix')],
      details,
    };
  }
  if (authError !== undefined && UNKNOWN_AUTHORITY.has(authError)) {
    const top = chain[chain.length - 1];
    const publicRoot = top !== undefined && isPublicIssuer(top.issuerRaw);
    return {
      ...base,
      status: 'fail',
      summary: publicRoot
        ? tr('network.tls.public-ca', { target: hostPort, issuer: top.issuer, error: authError })
        : tr('network.tls.unknown-ca', { target: hostPort, issuer: top?.issuer ?? '?' }),
      why: tr('network.tls.unknown-ca.why'),
      fix: publicRoot ? [tr('network.tls.public-ca.fix')] : caInstallFixes(tr),
      details,
    };
  }
  if (mismatch !== undefined || authError === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      ...base,
      status: 'fail',
      summary: tr('network.tls.name', {
        target: hostPort,
        host,
        problem: mismatch ?? authError ?? '',
      }),
      why: tr('network.tls.name.why', { host }),
      fix: [
        tr('network.tls.name.fix', {
          names: cert.subjectaltname ?? tr('network.tls.name.see-chain'),
        }),
        tr('network.tls.name.operators', { host }),
      ],
      details,
    };
  }
  if (authError !== undefined) {
    return {
      ...base,
      status: 'fail',
      summary: tr('network.tls.invalid', { target: hostPort, error: authError }),
      why: tr('network.tls.invalid.why'),
      fix: [`openssl s_client -connect ${hostPort} -servername ${host} -showcerts </dev/null`],
      details,
    };
  }
  const daysLeft =
    leaf === undefined ? Infinity : Math.floor((Date.parse(leaf.validTo) - now) / DAY);
  if (daysLeft < 14) {
    return {
      ...base,
      status: 'warn',
      summary: tr('network.tls.expiring', {
        target: hostPort,
        days: daysLeft,
        date: leaf?.validTo ?? '?',
      }),
      why: tr('network.tls.expiring.why'),
      fix: [tr('network.tls.expiring.fix', { host })],
      details,
    };
  }
  return {
    ...base,
    status: 'ok',
    summary: tr('network.tls.ok', {
      target: hostPort,
      host,
      issuer: leaf?.issuer ?? '?',
      days: daysLeft,
    }),
    details,
  };
}

interface ChainEntry {
  subject: string;
  issuer: string;
  issuerRaw: string;
  validFrom: string;
  validTo: string;
}

/** The certificates the server presented, leaf first (each issuer link followed once). */
function chainOf(leaf: DetailedPeerCertificate): ChainEntry[] {
  const chain: ChainEntry[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = leaf;
  while (cert !== undefined && cert.raw !== undefined && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    const x = new X509Certificate(cert.raw);
    chain.push({
      subject: oneLine(x.subject),
      issuer: oneLine(x.issuer),
      issuerRaw: x.issuer,
      validFrom: new Date(x.validFrom).toISOString(),
      validTo: new Date(x.validTo).toISOString(),
    });
    cert = cert.issuerCertificate === cert ? undefined : cert.issuerCertificate;
  }
  return chain;
}

function oneLine(name: string): string {
  return name
    .split('\n')
    .filter((l) => l !== '')
    .join(', ');
}

let publicSubjects: Set<string> | undefined;

/** Whether a distinguished name is the subject of one of the public roots Node ships (Mozilla's list). */
function isPublicIssuer(issuer: string): boolean {
  publicSubjects ??= new Set(rootCertificates.map((pem) => new X509Certificate(pem).subject));
  return publicSubjects.has(issuer);
}
