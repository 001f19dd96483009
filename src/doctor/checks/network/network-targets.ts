/**
 * What the network checks probe, read from the context the way the go command would use it:
 *
 * - every GOPROXY entry that is an http(s) URL (not `direct`, `off` or `file://`), probed with
 *   `<base>/<module>/@v/list` of the first fetched module that is public for both GONOPROXY and
 *   GONOSUMDB (so no private path ever goes to a proxy that may be public), else `<base>/`;
 * - the checksum database, unless GOSUMDB is off or every fetched module is exempt from it:
 *   `GOSUMDB="name key url"` names its URL (the go command then bypasses the proxies); otherwise
 *   the go command first asks each GOPROXY entry for `<proxy>/sumdb/<name>/supported` and only
 *   goes to `https://<name>` when none serves it — that choice happens in network.http, so here
 *   the direct URL is a target only when GOPROXY has no proxy entries;
 * - the host of every private module fetched directly (GONOPROXY/GOPRIVATE), probed as the
 *   go command's go-get lookup `https://<module path>?go-get=1` (git itself is the credential
 *   layer's): a private path only ever goes to its own host.
 */
import { goPathEscapeAll } from '../../../protocol/go-path-escape.js';
import {
  DEFAULT_GOPROXY,
  parseGoproxyList,
  type GoproxyEntry,
} from '../../../protocol/goproxy-list.js';
import { redactUrl } from '../../../protocol/redact-url.js';
import { escapePath } from '../../../module/index.js';
import { goProxyFor, hostOf, readGoProxyEnv, type ProxyDecision } from './go-proxy-rules.js';
import { portOf } from './connect-route.js';
import type { DoctorContext } from '../../doctor-context.js';

export type TargetKind = 'goproxy' | 'sumdb' | 'git-host';

export interface NetworkTarget {
  kind: TargetKind;
  /** The URL network.http fetches (credentials as written in GOPROXY: never print it, use `subject`). */
  probe: URL;
  /** Scheme, host and port, redacted: the finding subject. */
  subject: string;
  /** What the target is for, e.g. `GOPROXY entry 1`, `the checksum database sum.golang.org`. */
  role: string;
  /** For git hosts: the private modules that live there. */
  modules?: string[];
  /** For GOPROXY entries: true when the probe names a module (404 then means "not there"). */
  namesModule?: boolean;
}

/** The checksum database as the go command will reach it (sumdb.go dbDial/initBase). */
export interface SumdbPlan {
  /** The database name, e.g. `sum.golang.org`. */
  name: string;
  /** `https://<name>`, or the URL GOSUMDB names. */
  direct: URL;
  /** True when GOSUMDB names the URL: proxies are not asked. */
  explicit: boolean;
  /** The GOPROXY entries asked for `/sumdb/<name>/supported`, in order (explicit: none). */
  proxies: readonly GoproxyEntry[];
}

const KNOWN_SUMDB: Readonly<Record<string, string>> = {
  'sum.golang.org': 'sum.golang.org',
  'sum.golang.google.cn': 'sum.golang.org',
};

/** A go env value: `go env -json` when go ran, else the process environment, else Go's default. */
export function goSetting(ctx: DoctorContext, name: string, fallback = ''): string {
  return ctx.go?.env[name] ?? ctx.env[name] ?? fallback;
}

/** The GOPROXY entries, or [] when the value does not parse (network.go-env reports that). */
export function goproxyEntries(ctx: DoctorContext): GoproxyEntry[] {
  try {
    return parseGoproxyList(goSetting(ctx, 'GOPROXY', DEFAULT_GOPROXY) || DEFAULT_GOPROXY);
  } catch {
    return [];
  }
}

/** The module paths that go to GOPROXY and the checksum database: safe to name to any proxy. */
export function publicModules(ctx: DoctorContext): string[] {
  const fetched = ctx.module?.fetched ?? [];
  return fetched.filter((m) => !m.noProxy && !m.noSumdb).map((m) => m.path);
}

export function sumdbPlan(ctx: DoctorContext): SumdbPlan | undefined {
  const gosumdb = goSetting(ctx, 'GOSUMDB', 'sum.golang.org') || 'sum.golang.org';
  if (gosumdb === 'off') return undefined;
  const fetched = ctx.module?.fetched;
  if (fetched !== undefined && fetched.length > 0 && fetched.every((m) => m.noSumdb)) {
    return undefined;
  }
  const fields = (
    gosumdb === 'sum.golang.google.cn' ? 'sum.golang.org https://sum.golang.google.cn' : gosumdb
  )
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length === 0 || fields.length > 2) return undefined;
  const key = fields[0]!;
  const name = KNOWN_SUMDB[key] ?? key.split('+')[0]!;
  let direct: URL;
  try {
    direct = new URL(fields[1] ?? `https://${name}`);
  } catch {
    return undefined;
  }
  const explicit = fields.length === 2;
  const proxies = explicit ? [] : goproxyEntries(ctx);
  return { name, direct, explicit, proxies };
}

/** Scheme, host and port of a URL with any user information hidden. */
export function originOf(url: URL): string {
  return redactUrl(`${url.protocol}//${url.host}`);
}

/** Every target, GOPROXY entries first, then the checksum database, then the private git hosts. */
export function networkTargets(ctx: DoctorContext): NetworkTarget[] {
  const targets: NetworkTarget[] = [];
  const firstPublic = publicModules(ctx)[0];
  goproxyEntries(ctx).forEach((entry, i) => {
    if (entry.kind !== 'proxy' || entry.url === undefined) return;
    let base: URL;
    try {
      base = new URL(entry.url);
    } catch {
      return;
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') return;
    const path =
      firstPublic === undefined ? '' : `${goPathEscapeAll(escapePath(firstPublic))}/@v/list`;
    targets.push({
      kind: 'goproxy',
      probe: joinUrl(base, path),
      subject: redactUrl(entry.url),
      role: ctx.t('network.role.goproxy', { n: i + 1 }),
      namesModule: firstPublic !== undefined,
    });
  });
  const sumdb = sumdbPlan(ctx);
  if (sumdb !== undefined && (sumdb.explicit || !sumdb.proxies.some((p) => p.kind === 'proxy'))) {
    targets.push({
      kind: 'sumdb',
      probe: joinUrl(sumdb.direct, 'latest'),
      subject: redactUrl(sumdb.direct.href.replace(/\/$/, '')),
      role: ctx.t('network.role.sumdb', { name: sumdb.name }),
    });
  }
  const byHost = new Map<string, string[]>();
  for (const m of ctx.module?.fetched ?? []) {
    if (!m.noProxy) continue;
    const host = m.path.split('/')[0]!;
    byHost.set(host, [...(byHost.get(host) ?? []), m.path]);
  }
  for (const [host, modules] of byHost) {
    let probe: URL;
    try {
      probe = new URL(`https://${modules[0]}?go-get=1`);
    } catch {
      continue;
    }
    targets.push({
      kind: 'git-host',
      probe,
      subject: `https://${host}`,
      role: ctx.t(
        modules.length > 1 ? 'network.role.git-host.other' : 'network.role.git-host.one',
        { modules: modules.join(', ') },
      ),
      modules,
    });
  }
  return targets;
}

/** `base` with `rel` appended to its path (one slash between), query dropped. */
export function joinUrl(base: URL, rel: string): URL {
  const url = new URL(base.href);
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/$/, '') + '/' + rel;
  return url;
}

/** A target with the route the go command takes to it. */
export interface RoutedTarget extends NetworkTarget {
  route: ProxyDecision;
}

export function routedTargets(ctx: DoctorContext): RoutedTarget[] {
  const proxyEnv = readGoProxyEnv(ctx.env);
  return networkTargets(ctx).map((t) => ({
    ...t,
    route: goProxyFor(proxyEnv, t.probe, ctx.t),
  }));
}

/** The first hop of a route: the proxy when one applies, else the target (host, port, label). */
export function firstHop(t: RoutedTarget): {
  host: string;
  port: number;
  viaProxy: boolean;
  label: string;
} {
  if (t.route.kind === 'proxy') {
    const p = t.route.proxy;
    return { host: hostOf(p), port: portOf(p), viaProxy: true, label: originOf(p) };
  }
  return { host: hostOf(t.probe), port: portOf(t.probe), viaProxy: false, label: t.subject };
}
