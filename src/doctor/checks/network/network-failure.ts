/**
 * Why a probe failed, named by the stage a connection reached — the order failures happen in:
 * name resolution, TCP connect, the outbound proxy, TLS, HTTP. Every check turns a failure at its
 * own stage into a `fail` finding and one at an earlier stage into a `skip` that points at the
 * check that explains it, so one broken thing is reported once.
 */
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
export function dnsProblem(code: string, host: string, timeoutMs: number): string {
  switch (code) {
    case 'ENOTFOUND':
    case 'ENODATA':
      return `${host} does not resolve (NXDOMAIN: the name servers say no such name)`;
    case 'EAI_AGAIN':
    case 'ESERVFAIL':
      return `the name servers failed to answer for ${host} (SERVFAIL or no reply: temporary failure)`;
    case 'TIMEOUT':
      return `no DNS answer for ${host} within ${timeoutMs} ms (the name servers are unreachable)`;
    case 'ECONNREFUSED':
      return `the name servers refuse DNS queries for ${host}`;
    default:
      return `looking up ${host} failed (${code})`;
  }
}

/** A one-line account of a failed TCP connect, by its error code. */
export function tcpProblem(code: string, hostPort: string, timeoutMs: number): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `connection to ${hostPort} refused: nothing listens there (wrong port, or the service is down)`;
    case 'TIMEOUT':
      return `no answer from ${hostPort} within ${timeoutMs} ms: reads as a firewall dropping the packets`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${hostPort} (${code}): the network it is on is not reachable from here (a VPN not connected?)`;
    case 'ECONNRESET':
      return `connection to ${hostPort} reset: something in the way closes it (a firewall or filtering proxy)`;
    default:
      return `connecting to ${hostPort} failed (${code})`;
  }
}

/** The code of a Node error, or its message's first word. */
export function errorCode(error: unknown): string {
  if (error instanceof NetworkFailure) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'ERROR';
}
