import type { DoctorContext } from '../../doctor-context.js';
import type { Finding, GoEnvChange } from '../../finding.js';
import { goEnvCommand, shellQuote } from '../../go-env-command.js';

/**
 * Where a go env value comes from, for the report: the environment wins over the GOENV file
 * (`go env -w`), which wins over the default.
 */
export function sourceNote(ctx: DoctorContext, name: string): string {
  const source = ctx.go?.sources[name] ?? 'default';
  if (source === 'goenv-file')
    return ctx.t('go-env.source.goenv-file', { name, file: ctx.go?.goEnvFile ?? 'GOENV file' });
  return ctx.t(source === 'environment' ? 'go-env.source.environment' : 'go-env.source.default', {
    name,
  });
}

/**
 * The fix lines and `--fix` change that set `name` to `value` (undefined: back to the
 * default). When the environment sets it, `go env -w` alone would not win, so the fix starts
 * with `unset NAME` (and the shell profile or CI settings that export it need the same edit).
 */
export function goEnvFix(
  ctx: DoctorContext,
  name: string,
  value: string | undefined,
): Pick<Finding, 'fix' | 'goEnvChanges'> {
  const change: GoEnvChange = { name, value };
  const fromEnv = ctx.go?.sources[name] === 'environment';
  const fix = fromEnv
    ? [
        `unset ${name}   ${ctx.t('go-env.unset-comment')}`,
        ...(value === undefined ? [] : [goEnvCommand(change)]),
      ]
    : [goEnvCommand(change)];
  return { fix, goEnvChanges: [change] };
}

/** `export NAME=VALUE` quoted for a shell. */
export function exportLine(name: string, value: string): string {
  return `export ${shellQuote(`${name}=${value}`)}`;
}

/** A skip finding for a go env check when the go command could not be read. */
export function noGo(ctx: DoctorContext, id: string): Finding[] {
  return [
    {
      check: id,
      layer: 'go',
      status: 'skip',
      summary: ctx.t('go-env.no-go'),
    },
  ];
}
