/**
 * Which outbound HTTP proxy the go command uses for a URL: Go's http.ProxyFromEnvironment, i.e.
 * golang.org/x/net/http/httpproxy (Go 1.19: src/vendor/golang.org/x/net/http/httpproxy/proxy.go).
 *
 * - Each setting is read upper case first: `HTTPS_PROXY`, then `https_proxy` (the first that is
 *   not empty wins); likewise `HTTP_PROXY`/`http_proxy` and `NO_PROXY`/`no_proxy`. curl (and so
 *   git over https) reads the lower-case name first and ignores `HTTP_PROXY` altogether, so two
 *   different values make the go command and git take different routes.
 * - An https URL uses only the HTTPS proxy, an http URL only the HTTP proxy (no fallback).
 * - A proxy value that does not parse as an http, https or socks5 URL is retried with `http://`
 *   in front (`proxy.corp:3128` means `http://proxy.corp:3128`); one that still does not parse is
 *   ignored without a word (the go command then connects directly).
 * - `localhost` and loopback addresses are never proxied.
 * - NO_PROXY: comma-separated, trimmed, lower-cased; `*` disables the proxy for everything; an
 *   IP or CIDR matches addresses (an IP may carry a port); a domain matches itself and its
 *   subdomains, `.domain` (or `*.domain`) only its subdomains; a `:port` limits an entry to that
 *   port. Entries match the URL's host as written — no DNS lookup.
 */
import { doctorMessages, type DoctorTranslate } from '../../doctor-messages.js';
import { BlockList, isIP } from 'node:net';

export type ProxyVariable =
  'HTTPS_PROXY' | 'https_proxy' | 'HTTP_PROXY' | 'http_proxy' | 'NO_PROXY' | 'no_proxy';

/** One setting as the go command reads it, with the variable it came from. */
export interface ProxySetting {
  value: string;
  variable: ProxyVariable;
}

export interface GoProxyEnv {
  https?: ProxySetting;
  http?: ProxySetting;
  noProxy?: ProxySetting;
}

/** The environment's proxy settings, read the way the go command reads them (upper case first). */
export function readGoProxyEnv(env: Readonly<Record<string, string | undefined>>): GoProxyEnv {
  const pick = (upper: ProxyVariable, lower: ProxyVariable): ProxySetting | undefined => {
    for (const variable of [upper, lower]) {
      const value = env[variable];
      if (value !== undefined && value !== '') return { value, variable };
    }
    return undefined;
  };
  const result: GoProxyEnv = {};
  const https = pick('HTTPS_PROXY', 'https_proxy');
  const http = pick('HTTP_PROXY', 'http_proxy');
  const noProxy = pick('NO_PROXY', 'no_proxy');
  if (https !== undefined) result.https = https;
  if (http !== undefined) result.http = http;
  if (noProxy !== undefined) result.noProxy = noProxy;
  return result;
}

/**
 * A proxy value as the go command parses it: undefined when it ignores the value. `implied` is
 * set when `http://` was put in front of a value written without a scheme.
 */
export function parseGoProxyUrl(value: string): { url: URL; implied: boolean } | undefined {
  const direct = tryUrl(value);
  if (direct !== undefined && ['http:', 'https:', 'socks5:'].includes(direct.protocol)) {
    return { url: direct, implied: false };
  }
  const withHttp = tryUrl('http://' + value);
  return withHttp === undefined ? undefined : { url: withHttp, implied: true };
}

function tryUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The route the go command takes to a URL. */
export type ProxyDecision =
  | { kind: 'proxy'; proxy: URL; setting: ProxySetting; impliedScheme: boolean }
  | { kind: 'direct'; reason: string; noProxyEntry?: string };

/** Go's proxyForURL for `target` under `proxyEnv`. */
export function goProxyFor(
  proxyEnv: GoProxyEnv,
  target: URL,
  /** The language of `reason`. */
  t: DoctorTranslate = doctorMessages('en'),
): ProxyDecision {
  const scheme = target.protocol === 'https:' ? 'https' : target.protocol === 'http:' ? 'http' : '';
  if (scheme === '')
    return { kind: 'direct', reason: t('network.route.scheme', { scheme: target.protocol }) };
  const setting = scheme === 'https' ? proxyEnv.https : proxyEnv.http;
  const name = scheme === 'https' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  if (setting === undefined) return { kind: 'direct', reason: t('network.route.unset', { name }) };
  const parsed = parseGoProxyUrl(setting.value);
  if (parsed === undefined) {
    return {
      kind: 'direct',
      reason: t('network.route.unparsable', { variable: setting.variable }),
    };
  }
  const host = hostOf(target);
  const port = target.port !== '' ? target.port : scheme === 'https' ? '443' : '80';
  if (host === 'localhost') return { kind: 'direct', reason: t('network.route.localhost') };
  if (isLoopback(host)) return { kind: 'direct', reason: t('network.route.loopback') };
  const entry = noProxyMatch(proxyEnv.noProxy?.value ?? '', host, port);
  if (entry !== undefined) {
    return {
      kind: 'direct',
      reason: t('network.route.no-proxy', {
        variable: proxyEnv.noProxy!.variable,
        entry: JSON.stringify(entry),
      }),
      noProxyEntry: entry,
    };
  }
  return { kind: 'proxy', proxy: parsed.url, setting, impliedScheme: parsed.implied };
}

/** The URL's host name without IPv6 brackets, lower case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./i.test(host);
  return false;
}

/** The NO_PROXY entry that exempts host:port from the proxy, if any (Go's useProxy). */
export function noProxyMatch(noProxy: string, host: string, port: string): string | undefined {
  const ipVersion = isIP(host);
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return entry;
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr !== null) {
      const family = isIP(cidr[1]!);
      if (family !== 0) {
        if (ipVersion === family && cidrContains(cidr[1]!, Number(cidr[2]), host, family)) {
          return entry;
        }
        continue;
      }
    }
    const { host: entryHost, port: entryPort } = splitHostPort(entry);
    if (entryHost === '') continue;
    if (isIP(entryHost) !== 0) {
      if (ipVersion !== 0 && sameIp(entryHost, host) && (entryPort === '' || entryPort === port)) {
        return entry;
      }
      continue;
    }
    let suffix = entryHost.startsWith('*.') ? entryHost.slice(1) : entryHost;
    const matchHost = !suffix.startsWith('.');
    if (matchHost) suffix = '.' + suffix;
    if (host.endsWith(suffix) || (matchHost && host === suffix.slice(1))) {
      if (entryPort === '' || entryPort === port) return entry;
    }
  }
  return undefined;
}

/** net.SplitHostPort when the entry has a port, else the whole entry as host. */
function splitHostPort(entry: string): { host: string; port: string } {
  const bracketed = /^\[([^\]]*)\]:(\d*)$/.exec(entry);
  if (bracketed !== null) return { host: bracketed[1]!, port: bracketed[2]! };
  const colon = entry.lastIndexOf(':');
  if (colon >= 0 && entry.indexOf(':') === colon) {
    return { host: entry.slice(0, colon), port: entry.slice(colon + 1) };
  }
  return { host: entry, port: '' };
}

function cidrContains(network: string, bits: number, ip: string, family: number): boolean {
  const list = new BlockList();
  try {
    list.addSubnet(network, bits, family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

function sameIp(a: string, b: string): boolean {
  const list = new BlockList();
  const family = isIP(a) === 4 ? 'ipv4' : 'ipv6';
  list.addAddress(a, family);
  return isIP(b) === isIP(a) && list.check(b, family);
}
