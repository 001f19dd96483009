import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { matchPrefixPatterns, pathMatch } from '../../../module/index.js';
import { goEnvFix, noGo, sourceNote } from './go-env-fix.js';

const ID = 'go.private-patterns';
export const PATTERN_VARIABLES = ['GOPRIVATE', 'GONOPROXY', 'GONOSUMDB', 'GOINSECURE'] as const;

/**
 * The syntax of GOPRIVATE, GONOPROXY, GONOSUMDB and GOINSECURE (comma-separated path.Match
 * globs over leading path elements, module.MatchPrefixPatterns) and their precedence. The go
 * command does not trim: `a.com, b.com` has the pattern ` b.com`, which never matches, and
 * neither does `https://a.com` (a scheme) or a malformed glob — those fail. Empty elements
 * and a trailing `/` are ignored by the go command (warn: what was meant?). GONOPROXY and
 * GONOSUMDB, when set, replace GOPRIVATE for their decision rather than adding to it: a
 * GOPRIVATE path missing from an explicit GONOSUMDB goes to the public checksum database.
 */
export const privatePatternsCheck: Check = {
  id: ID,
  layer: 'go',
  network: false,
  run(ctx): Promise<Finding[]> {
    if (ctx.go === undefined) return Promise.resolve(noGo(ctx, ID));
    const findings: Finding[] = [];
    for (const name of PATTERN_VARIABLES) {
      if ((ctx.go.sources[name] ?? 'default') === 'default') continue;
      findings.push(syntax(ctx, name, ctx.go.env[name] ?? ''));
    }
    findings.push(...precedence(ctx));
    if (findings.length === 0) {
      findings.push({
        check: ID,
        layer: 'go',
        status: 'ok',
        summary: ctx.t('go.private-patterns.none'),
      });
    }
    return Promise.resolve(findings);
  },
};

/** The pattern list the value meant: split on commas and white space, schemes and trailing slashes dropped. */
export function cleanPatterns(value: string): string {
  return value
    .split(/[,\s]+/)
    .map((p) => p.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').replace(/\/+$/, ''))
    .filter((p) => p !== '')
    .join(',');
}

function syntax(ctx: DoctorContext, name: string, value: string): Finding {
  const base = { check: ID, layer: 'go' as const, subject: name };
  const tr = ctx.t;
  const fails: string[] = [];
  const warns: string[] = [];
  if (/\s/.test(value)) fails.push(tr('go.private-patterns.space'));
  for (const p of value.split(',')) {
    const t = p.trim();
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(t))
      fails.push(tr('go.private-patterns.scheme', { pattern: t }));
    else if (t !== '' && pathMatch(t.replace(/\/$/, ''), 'x').badPattern) {
      fails.push(tr('go.private-patterns.bad-glob', { pattern: t }));
    }
    if (/\/$/.test(t)) warns.push(tr('go.private-patterns.slash', { pattern: t }));
  }
  if (value.split(',').some((p) => p === '') && value !== '')
    warns.push(tr('go.private-patterns.empty'));
  const details = [sourceNote(ctx, name), `${name}=${value}`];
  if (fails.length === 0 && warns.length === 0) {
    return { ...base, status: 'ok', summary: value, details };
  }
  const fixed = cleanPatterns(value);
  const failing = fails.length > 0;
  return {
    ...base,
    status: failing ? 'fail' : 'warn',
    summary: tr('go.private-patterns.problems', {
      value,
      problems: [...fails, ...warns].join(tr('report.list.separator')),
    }),
    why: failing ? tr(neverMatches(name)) : tr('go.private-patterns.ignored'),
    ...goEnvFix(ctx, name, fixed === '' ? undefined : fixed),
    details,
  };
}

/** The why of a pattern of `name` that never matches. */
function neverMatches(name: string) {
  if (name === 'GOINSECURE' || name === 'GONOPROXY' || name === 'GONOSUMDB')
    return `go.private-patterns.never.${name}` as const;
  return 'go.private-patterns.never.GOPRIVATE' as const;
}

/** GONOPROXY / GONOSUMDB set explicitly replace GOPRIVATE: say which GOPRIVATE patterns they drop. */
function precedence(ctx: DoctorContext): Finding[] {
  const go = ctx.go;
  if (go === undefined) return [];
  const priv = go.env.GOPRIVATE ?? '';
  if (priv === '') return [];
  const out: Finding[] = [];
  for (const name of ['GONOSUMDB', 'GONOPROXY'] as const) {
    if ((go.sources[name] ?? 'default') === 'default') continue;
    const value = go.env[name] ?? '';
    if (name === 'GONOPROXY' && value === 'none') continue;
    const dropped = priv
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '' && !matchPrefixPatterns(value, p.replace(/\/$/, '')));
    if (dropped.length === 0) continue;
    const merged = cleanPatterns([value, ...dropped].join(','));
    out.push({
      check: ID,
      layer: 'go',
      status: 'warn',
      subject: `${name} over GOPRIVATE`,
      summary: ctx.t(`go.private-patterns.over.${name}.${dropped.length === 1 ? 'one' : 'other'}`, {
        paths: dropped.join(', '),
      }),
      why: ctx.t(`go.private-patterns.over.${name}.why`),
      ...goEnvFix(ctx, name, merged),
      details: [`GOPRIVATE=${priv}`, `${name}=${value}`],
    });
  }
  return out;
}
