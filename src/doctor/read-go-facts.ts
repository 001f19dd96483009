import { doctorMessages, type DoctorTranslate } from './doctor-messages.js';
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { GoEnvSource, GoFacts, GoProblem } from './doctor-context.js';
import { runBounded, type BoundedResult } from './run-bounded.js';

export type GoFactsResult =
  { go: GoFacts; problem?: undefined } | { go?: undefined; problem: GoProblem };

/**
 * Runs `go version` and `go env -json` (in `dir`, with `env`, each bounded by `timeoutMs`) and
 * works out where each value comes from the way cmd/go/internal/cfg does: a non-empty process
 * environment variable wins, then the GOENV file (`go env -w` writes it), then the default.
 * GONOPROXY and GONOSUMDB that are set nowhere are reported as `default` even though go env
 * prints GOPRIVATE's value for them (Go's envOr).
 */
export async function readGoFacts(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
  signal?: AbortSignal,
  /** The language of the problem texts. */
  t: DoctorTranslate = doctorMessages('en'),
): Promise<GoFactsResult> {
  const binary = (await findOnPath('go', env)) ?? 'go';
  const opts = { cwd: dir, env, timeoutMs, ...(signal === undefined ? {} : { signal }) };
  // A GOFLAGS the go command cannot parse makes `go version` (and some go env) fail; read the
  // facts with a blank GOFLAGS (a space: set, so the GOENV file's value is not used either)
  // and report the real value, so the GOFLAGS check can say what is wrong with it.
  let badGoflags = false;
  const runGo = async (args: string[]): Promise<BoundedResult> => {
    const first = await runBounded(binary, args, opts);
    if (first.code === 0 || !/\$GOFLAGS/.test(first.stderr)) return first;
    badGoflags = true;
    return runBounded(binary, args, { ...opts, env: { ...env, GOFLAGS: ' ' } });
  };
  const version = await runGo(['version']);
  if (version.startError !== undefined) {
    const notFound = version.startError.code === 'ENOENT';
    return {
      problem: {
        summary: notFound
          ? t('go.facts.not-found')
          : t('go.facts.not-started', { error: version.startError.message }),
        details: [`PATH=${env.PATH ?? ''}`],
      },
    };
  }
  if (version.timedOut || version.code !== 0) {
    return { problem: failed(t, 'go version', version.timedOut, version.stderr, timeoutMs) };
  }
  const goVersion = /\bgo version (go\S+)/.exec(version.stdout)?.[1] ?? version.stdout.trim();
  const envRun = await runGo(['env', '-json']);
  if (envRun.timedOut || envRun.code !== 0) {
    return { problem: failed(t, 'go env -json', envRun.timedOut, envRun.stderr, timeoutMs) };
  }
  let goEnv: Record<string, string>;
  try {
    goEnv = JSON.parse(envRun.stdout) as Record<string, string>;
  } catch {
    return {
      problem: { summary: t('go.facts.not-json'), details: [] },
    };
  }
  const goEnvFile = goEnv.GOENV ?? '';
  const fileValues = goEnvFile === '' || goEnvFile === 'off' ? {} : await readGoEnvFile(goEnvFile);
  if (badGoflags) goEnv.GOFLAGS = nonEmpty(env.GOFLAGS) ?? fileValues.GOFLAGS ?? '';
  const sources: Record<string, GoEnvSource> = {};
  for (const name of Object.keys(goEnv)) {
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== '') sources[name] = 'environment';
    else if ((fileValues[name] ?? '') !== '') sources[name] = 'goenv-file';
    else sources[name] = 'default';
  }
  return {
    go: {
      binary,
      version: goVersion,
      env: goEnv,
      sources,
      ...(goEnvFile === '' || goEnvFile === 'off' ? {} : { goEnvFile }),
    },
  };
}

/** The GOENV file's `NAME=VALUE` lines, read as cmd/go reads them (other lines are ignored). */
export async function readGoEnvFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0 || !/^[A-Z]/.test(line)) continue;
    values[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return values;
}

/** The absolute path of `command` on env.PATH, as a shell would find it. */
export async function findOnPath(
  command: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function failed(
  t: DoctorTranslate,
  what: string,
  timedOut: boolean,
  stderr: string,
  timeoutMs: number,
): GoProblem {
  const lines = stderr.trim().split('\n').filter(Boolean).slice(0, 10);
  return {
    summary: timedOut
      ? t('go.facts.timeout', { what, ms: timeoutMs })
      : lines[0] === undefined
        ? t('go.facts.failed', { what })
        : t('go.facts.failed.line', { what, line: lines[0] }),
    details: lines,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
