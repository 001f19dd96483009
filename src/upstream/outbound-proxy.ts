import { BlockList, isIP } from 'node:net';
import { ModgateError } from '../errors/index.js';

/**
 * Which HTTP proxy, if any, an outbound request goes through — the rules of the go command
 * (Go's net/http ProxyFromEnvironment, golang.org/x/net/http/httpproxy), so that a machine
 * set up for `go` and `git` is set up for modgate:
 * - `HTTPS_PROXY` for https URLs, `HTTP_PROXY` for http URLs (upper case wins over lower
 *   case; an empty value means none). A value without a scheme means `http://`.
 * - Never for `localhost` or loopback addresses.
 * - `NO_PROXY`: comma-separated entries; `*` means no proxy at all; an IP address or CIDR
 *   prefix matches those addresses; a domain name matches itself and its subdomains, one with a
 *   leading `.` (or `*.`) its subdomains only; an entry with a port matches that port only.
 */
export interface OutboundProxySettings {
  readonly httpProxy?: URL | undefined;
  readonly httpsProxy?: URL | undefined;
  readonly noProxy?: string | undefined;
}

/** The settings from environment variables; throws `invalid` for a malformed proxy URL. */
export function outboundProxyFromEnv(env: NodeJS.ProcessEnv): OutboundProxySettings {
  const pick = (upper: string, lower: string): string | undefined => {
    const v = env[upper] || env[lower];
    return v === undefined || v === '' ? undefined : v;
  };
  const http = pick('HTTP_PROXY', 'http_proxy');
  const https = pick('HTTPS_PROXY', 'https_proxy');
  return {
    httpProxy: http === undefined ? undefined : parseProxyUrl(http, 'HTTP_PROXY'),
    httpsProxy: https === undefined ? undefined : parseProxyUrl(https, 'HTTPS_PROXY'),
    noProxy: pick('NO_PROXY', 'no_proxy'),
  };
}

/** A proxy URL as Go reads it: a bare `host:port` means `http://host:port`. */
export function parseProxyUrl(value: string, source: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    // The value may hold a password: name the variable, not the value.
    throw new ModgateError(
      'invalid',
      `${source} is not a usable proxy URL (expected http://[user:password@]host:port or https://...; socks5 is not supported)`,
    );
  }
  return url;
}

/** The proxy for a request to `target`, or undefined to connect directly. */
export function proxyFor(target: URL, settings: OutboundProxySettings): URL | undefined {
  const proxy =
    target.protocol === 'https:'
      ? settings.httpsProxy
      : target.protocol === 'http:'
        ? settings.httpProxy
        : undefined;
  if (proxy === undefined) return undefined;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || isLoopback(host)) return undefined;
  const port = target.port !== '' ? target.port : target.protocol === 'https:' ? '443' : '80';
  if (settings.noProxy !== undefined && noProxyMatches(settings.noProxy, host, port)) {
    return undefined;
  }
  return proxy;
}

function noProxyMatches(noProxy: string, host: string, port: string): boolean {
  for (const raw of noProxy.split(',')) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (isIP(host) !== 0 && cidrContains(entry, host)) return true;
      continue;
    }
    let entryPort: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      entry = bracketed[1]!;
      entryPort = bracketed[2];
    } else if (isIP(entry) === 0) {
      const colon = entry.lastIndexOf(':');
      if (colon > 0 && /^\d+$/.test(entry.slice(colon + 1))) {
        entryPort = entry.slice(colon + 1);
        entry = entry.slice(0, colon);
      }
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    if (isIP(entry) !== 0) {
      if (entry === host) return true;
      continue;
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) {
      if (host.endsWith(entry)) return true;
    } else if (host === entry || host.endsWith('.' + entry)) {
      return true;
    }
  }
  return false;
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./.test(host);
  return false;
}

function cidrContains(cidr: string, ip: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  const family = isIP(base);
  if (family === 0 || !/^\d+$/.test(bitsText)) return false;
  const bits = Number(bitsText);
  if (bits > (family === 4 ? 32 : 128)) return false;
  const list = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(base, bits, type);
  return list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
}
