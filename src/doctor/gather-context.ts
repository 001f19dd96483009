import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Locale } from '../i18n/index.js';
import type { DoctorContext } from './doctor-context.js';
import { doctorMessages } from './doctor-messages.js';
import { fetchClientConfig } from './fetch-client-config.js';
import { readGoFacts } from './read-go-facts.js';
import { readModuleNeeds } from './read-module-needs.js';

export interface GatherOptions {
  /** The directory to diagnose (default: the current directory). */
  dir?: string;
  /** The environment the go command and git will see (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  offline?: boolean;
  /** Bound of each probe, ms (default 5,000). */
  probeTimeoutMs?: number;
  /** The company modgate's URL (--server / MODGATE_SERVER). */
  server?: string;
  signal: AbortSignal;
  /** The language of the findings (default en). */
  locale?: Locale;
}

/**
 * Reads the machine once, before any check runs: the go command's facts (go version, go env
 * -json and where each value comes from), the module's needs (go.mod / go.work / go.sum and
 * which paths are private by the machine's patterns), and the company modgate's client
 * settings when a server was named (skipped with --offline). Nothing here throws for a
 * problem on the machine: those are recorded for the checks to report.
 */
export async function gatherContext(options: GatherOptions): Promise<DoctorContext> {
  const env = options.env ?? process.env;
  const dir = resolve(options.dir ?? '.');
  const probeTimeoutMs = options.probeTimeoutMs ?? 5000;
  const offline = options.offline ?? false;
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  const t = doctorMessages(options.locale ?? 'en');
  const [goResult, serverResult] = await Promise.all([
    readGoFacts(dir, env, probeTimeoutMs, options.signal, t),
    options.server === undefined || offline
      ? undefined
      : fetchClientConfig(options.server, probeTimeoutMs, options.signal, t),
  ]);
  const goEnv = goResult.go?.env;
  const pick = (name: string): string => goEnv?.[name] ?? env[name] ?? '';
  const module = await readModuleNeeds(dir, {
    ...(goEnv === undefined ? { gowork: env.GOWORK ?? '' } : { gomod: pick('GOMOD') }),
    ...(goEnv === undefined ? {} : { gowork: goEnv.GOWORK ?? '' }),
    GOPRIVATE: pick('GOPRIVATE'),
    GONOPROXY: pick('GONOPROXY'),
    GONOSUMDB: pick('GONOSUMDB'),
  });
  return {
    dir,
    env,
    home,
    go: goResult.go,
    ...(goResult.problem === undefined ? {} : { goProblem: goResult.problem }),
    module,
    server: serverResult?.config,
    ...(options.server === undefined ? {} : { serverUrl: options.server }),
    ...(serverResult?.problem === undefined ? {} : { serverProblem: serverResult.problem }),
    offline,
    probeTimeoutMs,
    signal: options.signal,
    locale: options.locale ?? 'en',
    t,
  };
}
