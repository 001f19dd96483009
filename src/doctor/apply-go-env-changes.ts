import type { DoctorContext } from './doctor-context.js';
import type { Finding, GoEnvChange } from './finding.js';
import { goEnvCommand } from './go-env-command.js';
import { runBounded } from './run-bounded.js';

/** The go env changes the findings ask for, one per variable (the first finding's wins). */
export function collectGoEnvChanges(findings: readonly Finding[]): GoEnvChange[] {
  const byName = new Map<string, GoEnvChange>();
  for (const f of findings) {
    if (f.status !== 'fail' && f.status !== 'warn') continue;
    for (const c of f.goEnvChanges ?? []) if (!byName.has(c.name)) byName.set(c.name, c);
  }
  return [...byName.values()];
}

export interface AppliedChange {
  change: GoEnvChange;
  command: string;
  ok: boolean;
  /** The go command's error, or its warning (e.g. the environment still overrides the file). */
  message?: string;
  /** The variable is set in the process environment, which wins over the GOENV file. */
  overriddenByEnvironment: boolean;
}

/**
 * `modgate doctor --fix`: applies exactly these changes with `go env -w` / `go env -u` (the
 * GOENV file; nothing else on the machine is touched), one bounded go command each. A
 * variable that is also set in the environment keeps winning over the file, so the caller
 * tells the user to unset it.
 */
export async function applyGoEnvChanges(
  changes: readonly GoEnvChange[],
  ctx: Pick<DoctorContext, 'dir' | 'env' | 'probeTimeoutMs' | 'go'>,
): Promise<AppliedChange[]> {
  const binary = ctx.go?.binary ?? 'go';
  const applied: AppliedChange[] = [];
  for (const change of changes) {
    const args =
      change.value === undefined
        ? ['env', '-u', change.name]
        : ['env', '-w', `${change.name}=${change.value}`];
    // Without the variable in go's own environment, so `go env -w` does not refuse or warn.
    const env = { ...ctx.env, [change.name]: undefined };
    const result = await runBounded(binary, args, {
      cwd: ctx.dir,
      env,
      timeoutMs: ctx.probeTimeoutMs,
    });
    const ok = result.code === 0;
    const message = (result.startError?.message ?? result.stderr).trim();
    applied.push({
      change,
      command: goEnvCommand(change),
      ok,
      ...(message === '' ? {} : { message }),
      overriddenByEnvironment: (ctx.env[change.name] ?? '') !== '',
    });
  }
  return applied;
}
