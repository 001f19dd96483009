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
    if (ctx.go === undefined) return Promise.resolve(noGo(ID));
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
        summary:
          'no private module patterns set (every module goes through GOPROXY and the checksum database)',
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
  const fails: string[] = [];
  const warns: string[] = [];
  if (/\s/.test(value))
    fails.push(
      'it contains white space (patterns are separated by commas only, nothing is trimmed)',
    );
  for (const p of value.split(',')) {
    const t = p.trim();
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(t))
      fails.push(`"${t}" has a scheme (patterns are module paths, not URLs)`);
    else if (t !== '' && pathMatch(t.replace(/\/$/, ''), 'x').badPattern) {
      fails.push(`"${t}" is not a valid glob`);
    }
    if (/\/$/.test(t)) warns.push(`"${t}" ends in "/" (ignored by the go command)`);
  }
  if (value.split(',').some((p) => p === '') && value !== '') warns.push('it has empty elements');
  const details = [sourceNote(ctx, name), `${name}=${value}`];
  if (fails.length === 0 && warns.length === 0) {
    return { ...base, status: 'ok', summary: value, details };
  }
  const fixed = cleanPatterns(value);
  const failing = fails.length > 0;
  return {
    ...base,
    status: failing ? 'fail' : 'warn',
    summary: `"${value}": ${[...fails, ...warns].join('; ')}`,
    why: failing
      ? `a pattern that never matches leaves those private modules to ${name === 'GOINSECURE' ? 'https only' : name === 'GONOPROXY' ? 'the public proxy' : name === 'GONOSUMDB' ? 'the public checksum database (their names leak; downloads fail verification)' : 'the public proxy and checksum database (their names leak; downloads fail)'}`
      : 'the go command ignores it, so the value may not mean what was intended',
    ...goEnvFix(ctx, name, fixed === '' ? undefined : fixed),
    details,
  };
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
      summary: `${name} is set, so it replaces GOPRIVATE for ${name === 'GONOSUMDB' ? 'the checksum database' : 'the proxy'}: ${dropped.join(', ')} ${dropped.length === 1 ? 'is' : 'are'} not in it`,
      why:
        name === 'GONOSUMDB'
          ? 'those private paths are looked up in the public checksum database: their names leave the company and the lookup fails'
          : 'those private paths are fetched through GOPROXY (fine for a company proxy that serves them, a leak for a public one)',
      ...goEnvFix(ctx, name, merged),
      details: [`GOPRIVATE=${priv}`, `${name}=${value}`],
    });
  }
  return out;
}
