import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding, Status } from '../../finding.js';
import { parseGoproxyList } from '../../../protocol/goproxy-list.js';
import { redactUrl } from '../../../protocol/redact-url.js';
import { goEnvFix, noGo, sourceNote } from './go-env-fix.js';

const ID = 'go.goproxy';
const DEFAULT = 'https://proxy.golang.org,direct';

/** Hosts whose names mean the machine itself: http:// to them never leaves it. */
export function isLocalHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h);
}

/**
 * GOPROXY as the go command reads it (protocol/goproxy-list): a list that does not parse
 * fails every download; `off` alone disables the network; entries after `direct` or `off`
 * are never used; empty entries are skipped silently; `http://` to another machine sends
 * modules in the clear. The separator after each proxy decides whether the next entry is
 * tried on any error (`|`) or only on "not found" (`,`) — shown as evidence.
 */
export const goproxyCheck: Check = {
  id: ID,
  layer: 'go',
  network: false,
  run(ctx): Promise<Finding[]> {
    if (ctx.go === undefined) return Promise.resolve(noGo(ctx, ID));
    return Promise.resolve([diagnose(ctx, ctx.go.env.GOPROXY ?? '')]);
  },
};

function diagnose(ctx: DoctorContext, value: string): Finding {
  const t = ctx.t;
  const shown = redactUrl(value);
  const base = { check: ID, layer: 'go' as const, subject: 'GOPROXY' };
  const recommended = ctx.server?.goproxy ?? DEFAULT;
  let entries;
  try {
    entries = parseGoproxyList(value);
  } catch (err) {
    return {
      ...base,
      status: 'fail',
      summary:
        shown === ''
          ? t('go.goproxy.unparsable.empty', { error: (err as Error).message })
          : t('go.goproxy.unparsable', { value: shown, error: (err as Error).message }),
      why: t('go.goproxy.unparsable.why'),
      ...goEnvFix(ctx, 'GOPROXY', recommended),
      details: [sourceNote(ctx, 'GOPROXY')],
    };
  }
  const problems: { status: Status; text: string; why: string }[] = [];
  const raw = value.split(/[,|]/).map((e) => e.trim());
  const stop = raw.findIndex((e) => e === 'off' || e === 'direct');
  if (stop >= 0 && raw.slice(stop + 1).some((e) => e !== '')) {
    problems.push({
      status: 'warn',
      text: t('go.goproxy.after-stop', {
        stop: raw[stop] ?? '',
        entries: redactUrl(
          raw
            .slice(stop + 1)
            .filter(Boolean)
            .join(', '),
        ),
      }),
      why: t('go.goproxy.after-stop.why', { stop: raw[stop] ?? '' }),
    });
  }
  if (entries.length === 1 && entries[0]?.kind === 'off') {
    problems.push({
      status: 'fail',
      text: t('go.goproxy.off'),
      why: t('go.goproxy.off.why'),
    });
  }
  if (raw.slice(0, stop >= 0 ? stop : raw.length).some((e) => e === '')) {
    problems.push({
      status: 'warn',
      text: t('go.goproxy.empty-entries'),
      why: t('go.goproxy.empty-entries.why'),
    });
  }
  for (const e of entries) {
    if (e.kind !== 'proxy' || e.url === undefined) continue;
    const u = new URL(e.url);
    if (u.protocol === 'http:' && !isLocalHost(u.hostname)) {
      problems.push({
        status: 'warn',
        text: t('go.goproxy.http', { url: e.redactedUrl ?? '' }),
        why: t('go.goproxy.http.why'),
      });
    }
  }
  const details = [
    sourceNote(ctx, 'GOPROXY'),
    ...entries.map((e, i) => {
      const what = e.kind === 'proxy' ? (e.redactedUrl ?? '') : e.kind;
      const next =
        i + 1 < entries.length
          ? t(e.fallbackOnAnyError ? 'go.goproxy.next.any' : 'go.goproxy.next.not-found')
          : '';
      return `${i + 1}. ${what}${next}`;
    }),
  ];
  if (problems.length === 0) {
    return { ...base, status: 'ok', summary: shown, details };
  }
  const worst = problems.some((p) => p.status === 'fail') ? 'fail' : 'warn';
  const fixValue = worst === 'fail' ? recommended : cleaned(value, stop);
  return {
    ...base,
    status: worst,
    summary: problems.map((p) => p.text).join(t('report.list.separator')),
    why: problems.map((p) => p.why).join(t('report.list.separator')),
    ...(fixValue === value ? {} : goEnvFix(ctx, 'GOPROXY', fixValue)),
    details,
  };
}

/** The list without empty entries and without what follows direct/off. */
function cleaned(value: string, stop: number): string {
  const parts = value.split(/([,|])/);
  const out: string[] = [];
  let index = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const entry = (parts[i] ?? '').trim();
    const sep = parts[i + 1] ?? '';
    if (stop >= 0 && index > stop) break;
    index++;
    if (entry === '') continue;
    out.push(entry, sep);
  }
  if (out.length > 0 && /[,|]/.test(out[out.length - 1] ?? '')) out.pop();
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('').replace(/[,|]$/, '');
}
