import type { Check } from '../check.js';
import { dnsCheck } from './network/dns-check.js';
import { httpCheck } from './network/http-check.js';
import { proxyConnectCheck } from './network/proxy-connect-check.js';
import { proxySelectionCheck } from './network/proxy-selection-check.js';
import { tcpCheck } from './network/tcp-check.js';
import { tlsCheck } from './network/tls-check.js';

/**
 * The network layer's checks, in report order — the order failures happen for each GOPROXY
 * entry, the checksum database and each private git host: which proxy the go command picks,
 * name resolution, TCP connect, the proxy's CONNECT, TLS, HTTP. Each reports a failure that
 * belongs to an earlier stage as a skip pointing at that stage's check.
 */
export const networkChecks: readonly Check[] = [
  proxySelectionCheck,
  dnsCheck,
  tcpCheck,
  proxyConnectCheck,
  tlsCheck,
  httpCheck,
];
