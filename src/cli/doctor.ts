import { localeFromEnv, parseLocale, type Locale } from '../i18n/index.js';
import { doctorMessages } from '../doctor/doctor-messages.js';
import { applyGoEnvChanges, collectGoEnvChanges } from '../doctor/apply-go-env-changes.js';
import { gatherContext } from '../doctor/gather-context.js';
import { formatJson, formatReport } from '../doctor/format-report.js';
import { goEnvCommand } from '../doctor/go-env-command.js';
import { runDoctor } from '../doctor/run-doctor.js';

export interface DoctorFlags {
  json?: boolean;
  offline?: boolean;
  server?: string;
  fix?: boolean;
  /** The whole run's time limit in ms, as typed. */
  timeout?: string;
  /** The report's language, as typed: en or zh-CN (default: from LC_ALL / LC_MESSAGES / LANG). */
  lang?: string;
}

export interface DoctorIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; hasColors?: () => boolean };
  stderr: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
  modgateVersion: string;
}

/** The default time limit of the whole run, ms (issue 10: under ~20 s on a bad network). */
export const DEFAULT_DOCTOR_TIMEOUT_MS = 20_000;

/**
 * `modgate doctor [DIR]`: gathers the machine's facts, runs every check and prints the report
 * (or the --json document). Returns the exit status: 0 no problem (warnings allowed),
 * 1 problems found, 2 doctor itself could not run (bad flags, a check that threw).
 * `--timeout` bounds the whole run; each probe gets a quarter of it, at most 5 s.
 * `--fix` then applies the findings' `go env -w` changes, and only those, after printing them.
 */
export async function doctor(
  dir: string | undefined,
  flags: DoctorFlags,
  io: DoctorIo,
): Promise<number> {
  const timeoutMs = flags.timeout === undefined ? DEFAULT_DOCTOR_TIMEOUT_MS : Number(flags.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000) {
    io.stderr.write(`modgate doctor: --timeout must be a whole number of ms, at least 1000\n`);
    return 2;
  }
  const chosen = flags.lang === undefined ? localeFromEnv(io.env) : parseLocale(flags.lang);
  if (chosen === undefined) {
    io.stderr.write(
      `modgate doctor: --lang must be en or zh-CN, not ${JSON.stringify(flags.lang)}\n`,
    );
    return 2;
  }
  // --json is language-neutral: the check ids are the stable codes, the texts stay English.
  const locale: Locale = flags.json === true ? 'en' : chosen;
  const t = doctorMessages(chosen);
  const server = flags.server ?? nonEmpty(io.env.MODGATE_SERVER);
  // One controller for Ctrl-C and the time limit (a plain timer: an AbortSignal.timeout that
  // only AbortSignal.any refers to was seen not to fire, letting the run go past its limit).
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  const deadline = setTimeout(() => controller.abort(new Error('time limit')), timeoutMs);
  const signal = controller.signal;
  try {
    const ctx = await gatherContext({
      ...(dir === undefined ? {} : { dir }),
      env: io.env,
      offline: flags.offline ?? false,
      probeTimeoutMs: Math.min(5000, Math.floor(timeoutMs / 4)),
      ...(server === undefined ? {} : { server }),
      signal,
      locale,
    });
    const result = await runDoctor(ctx);
    if (flags.json === true) {
      io.stdout.write(formatJson(result.findings, result.summary, io.modgateVersion));
    } else {
      const colour = wantsColour(io);
      const where = { version: io.modgateVersion, dir: ctx.dir };
      const heading =
        ctx.go === undefined
          ? t('report.heading', where)
          : t('report.heading.go', { ...where, go: ctx.go.version });
      io.stdout.write(formatReport(result.findings, result.summary, { colour, heading, t }));
    }
    for (const e of result.errors) io.stderr.write(`modgate doctor: ${e}\n`);
    if (flags.fix !== true) return result.summary.exitStatus;
    const out = flags.json === true ? io.stderr : io.stdout;
    const changes = collectGoEnvChanges(result.findings);
    if (changes.length === 0) {
      out.write(`\n${t('fix.none')}\n`);
      return result.summary.exitStatus;
    }
    out.write(`\n${t('fix.applying', { n: changes.length })}\n`);
    for (const c of changes) out.write(`  ${goEnvCommand(c)}\n`);
    const applied = await applyGoEnvChanges(changes, ctx);
    let failed = false;
    for (const a of applied) {
      out.write(
        `  ${a.ok ? '✓' : '✗'} ${a.command}${a.ok ? '' : `: ${a.message ?? t('fix.failed')}`}\n`,
      );
      failed ||= !a.ok;
      if (a.overriddenByEnvironment) {
        out.write(`    ${t('fix.environment', { name: a.change.name })}\n`);
      }
    }
    out.write(`${t('fix.again')}\n`);
    return failed ? 2 : result.summary.exitStatus;
  } finally {
    clearTimeout(deadline);
    process.removeListener('SIGINT', onSigint);
  }
}

/**
 * Exits once stdout and stderr have taken everything written: probes cut short by the time
 * limit may still hold a socket or a timer for a few seconds, and the report is complete.
 */
export function exitWhenFlushed(status: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(status)));
}

/** Colours only on a terminal that wants them (hasColors honours NO_COLOR, FORCE_COLOR, TERM=dumb). */
function wantsColour(io: DoctorIo): boolean {
  if (io.stdout.isTTY !== true || typeof io.stdout.hasColors !== 'function') return false;
  if ((io.env.NO_COLOR ?? '') !== '') return false;
  return io.stdout.hasColors();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
