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
      return [{ check: ID, layer: 'network', status: 'skip', summary: 'no https URL to check' }];
    return Promise.all([...hosts.values()].map((t) => handshakeFinding(ctx, t)));
  },
};

async function handshakeFinding(ctx: DoctorContext, t: RoutedTarget): Promise<Finding> {
  const host = hostOf(t.probe);
  const hostPort = `${host}:${portOf(t.probe)}`;
  const base = { check: ID, layer: 'network' as const, subject: t.subject };
  const limits: ProbeLimits = { timeoutMs: ctx.probeTimeoutMs, signal: ctx.signal };
  const roots = await goSystemRoots(ctx.env);
  let tls: TLSSocket | undefined;
  try {
    tls = (await openRoute(t.probe, t.route, limits, roots.pems)).tls;
  } catch (error) {
    const skip = earlierStageSkip(ID, t.subject, error, 'tls', ctx.probeTimeoutMs, hostPort);
    if (skip !== undefined) return skip;
    return {
      ...base,
      status: 'fail',
      summary: `no TLS handshake with ${hostPort}: ${error instanceof Error ? error.message : String(error)} (${errorCode(error)})`,
      why: 'the go command cannot speak https to this host (it may speak plain http on that port, or something in the way cuts TLS connections)',
      fix: [
        `openssl s_client -connect ${hostPort} -servername ${host} </dev/null   # what the server sends`,
      ],
    };
  }
  if (tls === undefined) throw new Error('unreachable: https route without TLS');
  const cert = tls.getPeerCertificate(true);
  const authError = tls.authorizationError === null ? undefined : String(tls.authorizationError);
  const protocol = tls.getProtocol() ?? 'TLS';
  tls.destroy();
  const chain = chainOf(cert);
  const details = [
    `${protocol}, verified against ${roots.sources.join(' + ') || 'no CA files (none found)'}`,
    ...chain.map(
      (c, i) =>
        `${i} subject: ${c.subject} / issuer: ${c.issuer} / valid ${c.validFrom} to ${c.validTo}`,
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
      summary: `the certificate of ${hostPort} expired on ${expired?.validTo ?? leaf?.validTo ?? '?'} (${expired?.subject ?? 'in the chain'})`,
      why: 'the go command refuses an expired certificate: "x509: certificate has expired or is not yet valid"',
      fix: [
        `# the operators of ${host} must renew the certificate`,
        "date -u   # if many hosts fail like this, check this machine's clock",
      ],
      details,
    };
  }
  if (notYet !== undefined || authError === 'CERT_NOT_YET_VALID') {
    return {
      ...base,
      status: 'fail',
      summary: `the certificate of ${hostPort} is not valid before ${notYet?.validFrom ?? '?'}: check this machine's clock`,
      why: 'the go command refuses a certificate outside its validity period',
      fix: ['date -u   # then set the clock right: sudo timedatectl set-ntp true'],
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
        ? `${hostPort}'s certificate is signed by a public CA (${top.issuer}) that this machine's CA store lacks (${authError})`
        : `${hostPort}'s certificate is signed by an unknown authority (${top?.issuer ?? '?'}): a TLS-intercepting proxy or a company CA that is not installed (doctor cannot tell which for sure)`,
      why: 'the go command fails with "x509: certificate signed by unknown authority" for every request to this host',
      fix: publicRoot
        ? [
            'sudo apt-get install --reinstall ca-certificates && sudo update-ca-certificates   # Debian/Ubuntu: refresh the public roots',
          ]
        : caInstallFixes(),
      details,
    };
  }
  if (mismatch !== undefined || authError === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      ...base,
      status: 'fail',
      summary: `${hostPort}'s certificate is not for ${host}: ${mismatch ?? authError}`,
      why: `the go command fails with "x509: certificate is valid for …, not ${host}"`,
      fix: [
        `# use the name the certificate is for (${cert.subjectaltname ?? 'see the chain'}) in the URL, e.g. go env -w GOPROXY=https://<that name>/…`,
        `# or the operators of ${host} must add ${host} to the certificate's subject alternative names`,
      ],
      details,
    };
  }
  if (authError !== undefined) {
    return {
      ...base,
      status: 'fail',
      summary: `${hostPort}'s certificate does not verify: ${authError}`,
      why: 'the go command refuses a certificate that does not verify',
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
      summary: `${hostPort}'s certificate verifies but expires in ${daysLeft} days (${leaf?.validTo ?? '?'})`,
      why: 'downloads will fail once it expires',
      fix: [`# tell the operators of ${host} to renew the certificate`],
      details,
    };
  }
  return {
    ...base,
    status: 'ok',
    summary: `${hostPort}: certificate for ${host} verifies (${leaf?.issuer ?? '?'}, ${daysLeft} days left)`,
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
