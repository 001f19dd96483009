/**
 * Why a probe failed, named by the stage a connection reached — the order failures happen in:
 * name resolution, TCP connect, the outbound proxy, TLS, HTTP. Every check turns a failure at its
 * own stage into a `fail` finding and one at an earlier stage into a `skip` that points at the
 * check that explains it, so one broken thing is reported once.
 */
import { doctorMessages, type DoctorTranslate } from '../../doctor-messages.js';

export type Stage = 'dns' | 'tcp' | 'proxy' | 'tls' | 'http';

export class NetworkFailure extends Error {
  /** The host (dns) or host:port (tcp) that failed, when it is not the one the caller asked for (the outbound proxy). */
  where?: string;

  constructor(
    readonly stage: Stage,
    /** A short code: ENOTFOUND, ECONNREFUSED, TIMEOUT, 407, CERT_HAS_EXPIRED, … */
    readonly code: string,
    message: string,
    /** Milliseconds spent before the failure. */
    readonly elapsedMs?: number,
  ) {
    super(message);
    this.name = 'NetworkFailure';
  }
}

/** The check id that reports failures of a stage. */
export const STAGE_CHECK: Readonly<Record<Stage, string>> = {
  dns: 'network.dns',
  tcp: 'network.tcp',
  proxy: 'network.proxy-connect',
  tls: 'network.tls',
  http: 'network.http',
};

/** A one-line account of a failed DNS lookup, by its error code. */
export function dnsProblem(
  code: string,
  host: string,
  timeoutMs: number,
  t: DoctorTranslate = doctorMessages('en'),
): string {
  switch (code) {
    case 'ENOTFOUND':
    case 'ENODATA':
      return t('network.dns.nxdomain', { host });
    case 'EAI_AGAIN':
    case 'ESERVFAIL':
      return t('network.dns.servfail', { host });
    case 'TIMEOUT':
      return t('network.dns.timeout', { host, ms: timeoutMs });
    case 'ECONNREFUSED':
      return t('network.dns.refused', { host });
    default:
      return t('network.dns.other', { host, code });
  }
}

/** A one-line account of a failed TCP connect, by its error code. */
export function tcpProblem(
  code: string,
  hostPort: string,
  timeoutMs: number,
  t: DoctorTranslate = doctorMessages('en'),
): string {
  const target = hostPort;
  switch (code) {
    case 'ECONNREFUSED':
      return t('network.tcp.refused', { target });
    case 'TIMEOUT':
      return t('network.tcp.timeout', { target, ms: timeoutMs });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return t('network.tcp.unreachable', { target, code });
    case 'ECONNRESET':
      return t('network.tcp.reset', { target });
    default:
      return t('network.tcp.other', { target, code });
  }
}

/** The code of a Node error, or its message's first word. */
export function errorCode(error: unknown): string {
  if (error instanceof NetworkFailure) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'ERROR';
}
