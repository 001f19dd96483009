import type { Check } from './check.js';
import type { DoctorContext } from './doctor-context.js';
import { LAYERS, type Finding, type Status } from './finding.js';
import { credentialChecks } from './checks/credential-checks.js';
import { endToEndChecks } from './checks/end-to-end-checks.js';
import { goEnvChecks } from './checks/go-env-checks.js';
import { moduleChecks } from './checks/module-checks.js';
import { networkChecks } from './checks/network-checks.js';
import { serverChecks } from './checks/server-checks.js';

/** Every check, in report order (layer by layer, each list in its own order). */
export const allChecks: readonly Check[] = [
  ...goEnvChecks,
  ...moduleChecks,
  ...networkChecks,
  ...credentialChecks,
  ...endToEndChecks,
  ...serverChecks,
];

export interface DoctorSummary {
  ok: number;
  warn: number;
  fail: number;
  skip: number;
  /** 0: no fail finding (warnings allowed); 1: at least one fail; 2: a check could not run. */
  exitStatus: 0 | 1 | 2;
}

export interface DoctorResult {
  findings: Finding[];
  summary: DoctorSummary;
  /** Checks that threw (doctor's own bugs or environment it cannot work in), one line each. */
  errors: string[];
}

/**
 * Runs the checks and reports them layer by layer, in the order failures happen. The local
 * checks (network: false) run first, then the network checks layer by layer; the checks of
 * one layer run concurrently. A `network` check is replaced by a skip finding with --offline. When
 * ctx.signal aborts (the overall deadline, Ctrl-C), checks still running are reported as
 * skipped instead of waited for. A check that throws is reported as a skip finding naming
 * the error and makes the exit status 2; fail findings make it 1; warnings leave it 0
 * (a warning is a setting that works but is fragile — CI should not break on it).
 */
export async function runDoctor(
  ctx: DoctorContext,
  checks: readonly Check[] = allChecks,
): Promise<DoctorResult> {
  const errors: string[] = [];
  const results = new Map<Check, Finding[]>();
  // Local checks first (files, go env, comparisons: quick), so the time limit of the whole run
  // only ever cuts network probes short; then the network checks layer by layer.
  for (const network of [false, true]) {
    for (const layer of LAYERS) {
      const batch = checks.filter((c) => c.layer === layer && c.network === network);
      const found = await Promise.all(batch.map((c) => runOne(c, ctx, errors)));
      batch.forEach((c, i) => results.set(c, found[i] ?? []));
    }
  }
  const findings: Finding[] = [];
  for (const layer of LAYERS) {
    for (const c of checks) if (c.layer === layer) findings.push(...(results.get(c) ?? []));
  }
  return { findings, summary: summarize(findings, errors.length > 0), errors };
}

async function runOne(check: Check, ctx: DoctorContext, errors: string[]): Promise<Finding[]> {
  const t = ctx.t;
  const skip = (summary: string): Finding[] => [
    { check: check.id, layer: check.layer, status: 'skip', summary },
  ];
  if (check.network && ctx.offline) return skip(t('run.skip.offline'));
  if (ctx.signal.aborted) return skip(t('run.skip.deadline'));
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<Finding[]>((resolve) => {
    onAbort = () => resolve(skip(t('run.skip.unfinished')));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const found = await Promise.race([check.run(ctx), aborted]);
    return found.length > 0 ? found : skip(t('run.skip.nothing'));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    errors.push(`${check.id}: ${message}`);
    return skip(t('run.skip.error', { message }));
  } finally {
    if (onAbort !== undefined) ctx.signal.removeEventListener('abort', onAbort);
  }
}

export function summarize(findings: readonly Finding[], checkErrors = false): DoctorSummary {
  const counts: Record<Status, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const f of findings) counts[f.status]++;
  const exitStatus = checkErrors ? 2 : counts.fail > 0 ? 1 : 0;
  return { ...counts, exitStatus };
}
