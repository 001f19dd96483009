/**
 * How the go command reaches the checksum database when GOSUMDB names no URL (Go 1.19
 * modfetch/sumdb.go initBase): it asks each GOPROXY entry in turn for
 * `<proxy>/sumdb/<name>/supported`. 200: that proxy serves the database, and the go command
 * never goes direct. 404/410 (or any error after a `|`): next entry. Any other answer after a
 * `,`: the database is unavailable and the download fails. `direct`, `off` or the end of the
 * list: `https://<name>` directly. This walks the same steps, then fetches `<base>/latest`. The
 * direct host was not probed by the earlier checks, so a failure on it at any stage is this
 * finding's to report.
 */
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { redactUrl } from '../../../protocol/redact-url.js';
import { goProxyFor, readGoProxyEnv } from './go-proxy-rules.js';
import { goCredentials } from './go-credentials.js';
import { goSystemRoots } from './go-system-roots.js';
import { httpGet } from './http-get.js';
import { earlierStageSkip } from './earlier-stage.js';
import { NetworkFailure, dnsProblem, tcpProblem } from './network-failure.js';
import { joinUrl, originOf, sumdbPlan } from './network-targets.js';

const ID = 'network.http';

export async function sumdbRouteFindings(ctx: DoctorContext): Promise<Finding[]> {
  const plan = sumdbPlan(ctx);
  if (plan === undefined || plan.explicit || !plan.proxies.some((p) => p.kind === 'proxy'))
    return [];
  const proxyEnv = readGoProxyEnv(ctx.env);
  const limits = { timeoutMs: ctx.probeTimeoutMs, signal: ctx.signal };
  const roots = await goSystemRoots(ctx.env);
  const subject = `sumdb ${plan.name}`;
  const steps: string[] = [];
  let base = plan.direct;
  const t = ctx.t;
  let via = t('network.sumdb.directly');
  for (const entry of plan.proxies) {
    if (entry.kind !== 'proxy' || entry.url === undefined) break;
    const proxyBase = new URL(entry.url);
    const supported = joinUrl(proxyBase, `sumdb/${plan.name}/supported`);
    const shown = redactUrl(supported.href);
    let status: number | string;
    try {
      const auth = (await goCredentials(ctx, supported))?.header;
      status = (await httpGet(supported, goProxyFor(proxyEnv, supported), limits, roots.pems, auth))
        .status;
    } catch (error) {
      // The proxy itself is unreachable: the GOPROXY checks report that once.
      const skip = earlierStageSkip(
        ID,
        subject,
        error,
        'http',
        ctx.probeTimeoutMs,
        proxyBase.host,
        t,
      );
      if (skip !== undefined && !entry.fallbackOnAnyError) return [skip];
      status =
        error instanceof NetworkFailure
          ? t('network.sumdb.no-answer.stage', { stage: error.stage, code: error.code })
          : t('network.sumdb.no-answer');
    }
    steps.push(`GET ${shown}: ${status}`);
    if (status === 200) {
      base = joinUrl(proxyBase, `sumdb/${plan.name}`);
      via = t('network.sumdb.through', { url: redactUrl(entry.url) });
      break;
    }
    if (status === 404 || status === 410 || entry.fallbackOnAnyError) continue;
    return [
      {
        check: ID,
        layer: 'network',
        status: 'fail',
        subject,
        summary: t('network.sumdb.unavailable', {
          name: plan.name,
          url: redactUrl(entry.url),
          status,
        }),
        why: t('network.sumdb.unavailable.why'),
        fix: [
          t('network.sumdb.unavailable.fix', { url: redactUrl(entry.url) }),
          t('network.sumdb.unavailable.name', { name: plan.name }),
        ],
        details: steps,
      },
    ];
  }
  const latest = joinUrl(base, 'latest');
  const shownLatest = redactUrl(latest.href);
  try {
    const auth = (await goCredentials(ctx, latest))?.header;
    const a = await httpGet(latest, goProxyFor(proxyEnv, latest), limits, roots.pems, auth);
    steps.push(
      `GET ${shownLatest}: ${a.status}, ${t('network.first-byte', { ms: a.firstByteMs })}`,
    );
    if (a.status === 200) {
      return [
        {
          check: ID,
          layer: 'network',
          status: 'ok',
          subject,
          summary: t('network.sumdb.ok', { name: plan.name, via, ms: a.firstByteMs }),
          details: steps,
        },
      ];
    }
    return [
      {
        check: ID,
        layer: 'network',
        status: 'fail',
        subject,
        summary: t('network.sumdb.bad', { name: plan.name, via, status: a.status }),
        why: t('network.sumdb.bad.why'),
        fix: [`curl -v '${shownLatest}'`],
        details: steps,
      },
    ];
  } catch (error) {
    const host = originOf(latest);
    const problem =
      error instanceof NetworkFailure && error.stage === 'dns'
        ? dnsProblem(error.code, error.where ?? latest.hostname, ctx.probeTimeoutMs, t)
        : error instanceof NetworkFailure && error.stage === 'tcp'
          ? tcpProblem(error.code, error.where ?? latest.host, ctx.probeTimeoutMs, t)
          : error instanceof Error
            ? error.message
            : String(error);
    return [
      {
        check: ID,
        layer: 'network',
        status: 'fail',
        subject,
        summary: t('network.sumdb.unreachable', { name: plan.name, via, host, problem }),
        why: t('network.sumdb.unreachable.why'),
        fix: [
          t('network.sumdb.unreachable.fix'),
          t(
            plan.name === 'sum.golang.org'
              ? 'network.sumdb.unreachable.golang'
              : 'network.sumdb.unreachable.other',
          ),
        ],
        details: steps,
      },
    ];
  }
}
