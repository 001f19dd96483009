/**
 * network.http — one cheap GET per target, as the go command sends it, and what the answer
 * means for `go mod download`: a GOPROXY entry's `@v/list` of a public module (or its base URL),
 * the checksum database's `/latest`, a private host's go-get lookup (`?go-get=1`). 401/403: the
 * server is alive but wants credentials; 404/410 on a module path: not there (the go command
 * tries the next GOPROXY entry); 5xx: the server failed (a `,` after the entry stops the
 * download). Reports the time to first byte. The checksum database's route through the proxies
 * (`/sumdb/<name>/supported`) is sumdb-route.ts.
 */
import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import type { DoctorTranslate } from '../../doctor-messages.js';
import { earlierStageSkip } from './earlier-stage.js';
import { goSystemRoots } from './go-system-roots.js';
import { goCredentials, type GoCredentials } from './go-credentials.js';
import { httpGet, type HttpAnswer } from './http-get.js';
import { errorCode, NetworkFailure } from './network-failure.js';
import { routedTargets, type RoutedTarget } from './network-targets.js';
import { sumdbRouteFindings } from './sumdb-route.js';
import { redactUrl } from '../../../protocol/redact-url.js';

const ID = 'network.http';

export const httpCheck: Check = {
  id: ID,
  layer: 'network',
  network: true,
  async run(ctx) {
    const findings = await Promise.all(routedTargets(ctx).map((t) => targetFinding(ctx, t)));
    findings.push(...(await sumdbRouteFindings(ctx)));
    if (findings.length === 0)
      return [{ check: ID, layer: 'network', status: 'skip', summary: ctx.t('network.http.none') }];
    return findings;
  },
};

async function targetFinding(ctx: DoctorContext, t: RoutedTarget): Promise<Finding> {
  const roots = await goSystemRoots(ctx.env);
  const shown = redactUrl(t.probe.href);
  if (t.probe.protocol === 'http:' && (t.probe.username !== '' || t.probe.password !== '')) {
    // cmd/go/internal/web: credentials go only over https.
    return {
      check: ID,
      layer: 'network',
      status: 'fail',
      subject: t.subject,
      summary: ctx.t('network.http.insecure-credentials', { url: t.subject }),
      why: ctx.t('network.http.insecure-credentials.why'),
      fix: [
        ctx.t('network.http.insecure-credentials.fix', {
          hostPath: `${t.probe.host}${t.probe.pathname.replace(/\/$/, '')}`,
          host: t.probe.hostname,
        }),
      ],
    };
  }
  try {
    const credentials = await goCredentials(ctx, t.probe);
    const limits = { timeoutMs: ctx.probeTimeoutMs, signal: ctx.signal };
    const answer = await httpGet(t.probe, t.route, limits, roots.pems, credentials?.header);
    return interpret(ctx.t, t, answer, shown, credentials);
  } catch (error) {
    const skip = earlierStageSkip(
      ID,
      t.subject,
      error,
      'http',
      ctx.probeTimeoutMs,
      t.probe.host,
      ctx.t,
    );
    if (skip !== undefined) return skip;
    return httpFailure(ID, t.subject, shown, error, ctx.probeTimeoutMs, ctx.t);
  }
}

/** A failure at the HTTP stage: no answer in time, or a broken answer. */
export function httpFailure(
  check: string,
  subject: string,
  shown: string,
  error: unknown,
  timeoutMs: number,
  t: DoctorTranslate,
): Finding {
  const timedOut = error instanceof NetworkFailure && error.code === 'TIMEOUT';
  return {
    check,
    layer: 'network',
    status: 'fail',
    subject,
    summary: timedOut
      ? t('network.http.timeout', { url: shown, ms: timeoutMs })
      : t('network.http.failed', {
          url: shown,
          message: error instanceof Error ? error.message : String(error),
          code: errorCode(error),
        }),
    why: t('network.http.failed.why'),
    fix: [t('network.http.failed.fix', { url: shown })],
  };
}

function interpret(
  tr: DoctorTranslate,
  t: RoutedTarget,
  a: HttpAnswer,
  shown: string,
  credentials: GoCredentials | undefined,
): Finding {
  const base = { check: ID, layer: 'network' as const, subject: t.subject };
  const timing = tr('network.first-byte', { ms: a.firstByteMs });
  const line = `HTTP ${a.status}${a.statusText !== '' ? ' ' + a.statusText : ''}`;
  const details = [`GET ${shown}: ${line}, ${timing}`, tr('network.for', { role: t.role })];
  const host = t.probe.host;
  if ((a.status === 401 || a.status === 403) && credentials !== undefined) {
    return {
      ...base,
      status: 'fail',
      summary: tr('network.http.refuses-credentials', {
        subject: t.subject,
        source: credentials.source,
        line,
      }),
      why: tr('network.http.refuses-credentials.why'),
      fix:
        credentials.source === 'the URL'
          ? [tr('network.http.refuses-credentials.url.fix')]
          : [
              tr('network.http.refuses-credentials.netrc.fix', {
                host: t.probe.hostname,
                file: credentials.source.replace(/ \(machine .*\)$/, ''),
              }),
            ],
      details,
    };
  }
  if (a.status === 401 || a.status === 403) {
    return {
      ...base,
      status: 'warn',
      summary: tr('network.http.wants-credentials', { subject: t.subject, line }),
      why: tr('network.http.wants-credentials.why'),
      fix: [tr('network.http.wants-credentials.fix', { host: t.probe.hostname })],
      details,
    };
  }
  if (a.status >= 500) {
    return {
      ...base,
      status: 'fail',
      summary: tr('network.http.5xx', { subject: t.subject, line }),
      why: tr(t.kind === 'goproxy' ? 'network.http.5xx.goproxy.why' : 'network.http.5xx.why'),
      fix: [
        tr(t.kind === 'goproxy' ? 'network.http.5xx.goproxy.fix' : 'network.http.5xx.fix', {
          host,
        }),
      ],
      details,
    };
  }
  if (a.status === 404 || a.status === 410) {
    if (t.kind === 'goproxy' && t.namesModule !== true) {
      return {
        ...base,
        status: 'ok',
        summary: tr('network.http.alive', { subject: t.subject, line, timing }),
        details,
      };
    }
    if (t.kind === 'goproxy') {
      return {
        ...base,
        status: 'warn',
        summary: tr('network.http.no-module', {
          subject: t.subject,
          module: t.probe.pathname.replace(/^\/|\/@v\/list$/g, ''),
          line,
        }),
        why: tr('network.http.no-module.why'),
        fix: [tr('network.http.no-module.fix')],
        details,
      };
    }
    return {
      ...base,
      status: t.kind === 'git-host' ? 'warn' : 'fail',
      summary:
        t.kind === 'git-host'
          ? tr('network.http.git-host.missing', {
              subject: t.subject,
              path: t.modules?.[0] ?? tr('network.http.git-host.such-path'),
              line,
            })
          : tr('network.http.not-sumdb', { subject: t.subject, line }),
      why: tr(
        t.kind === 'git-host' ? 'network.http.git-host.missing.why' : 'network.http.not-sumdb.why',
      ),
      fix:
        t.kind === 'git-host'
          ? [tr('network.http.git-host.missing.fix', { host: t.probe.hostname })]
          : [tr('network.http.not-sumdb.fix')],
      details,
    };
  }
  if (t.kind === 'git-host' && a.status === 200) {
    const meta = /<meta\s+name=["']?go-import["']?\s+content=["']([^"']*)["']/i.exec(a.body)?.[1];
    if (meta !== undefined) details.push(`go-import: ${redactUrl(meta)}`);
  }
  const location = a.headers.location;
  if (a.status >= 300 && a.status < 400 && typeof location === 'string') {
    details.push(tr('network.http.redirect', { url: redactUrl(location) }));
  }
  return {
    ...base,
    status: 'ok',
    summary: tr('network.http.ok', { subject: t.subject, line, timing }),
    details,
  };
}
