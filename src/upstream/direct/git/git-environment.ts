import type { GitConfigEntry } from './git-credentials.js';
import { sshConnectTimeout } from './ssh-identities.js';

export interface GitEnvironmentOptions {
  /** Config entries added with GIT_CONFIG_COUNT (after any the base environment has). */
  config?: readonly GitConfigEntry[];
  /** GIT_SSH_COMMAND to use (the user's own GIT_SSH / GIT_SSH_COMMAND win otherwise). */
  sshCommand?: string;
  /**
   * The user's git configuration sets `core.sshCommand`: then no default GIT_SSH_COMMAND is
   * added (the variable would override it).
   */
  userSshCommandConfigured?: boolean;
  /** ssh's ConnectTimeout in the default GIT_SSH_COMMAND (seconds). Default 15. */
  sshConnectTimeoutSeconds?: number;
  /** GIT_ALLOW_PROTOCOL, unless the base environment sets it. */
  allowedProtocols?: readonly string[];
}

/** Variables that would point git at another repository than the one we name. */
const REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_COMMON_DIR',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
];

/**
 * The environment of every git command modgate runs. The user's git configuration keeps
 * working (HOME, XDG_CONFIG_HOME, insteadOf, credential helpers, GIT_SSH_COMMAND, proxies,
 * CA bundles are inherited untouched, and no `-c credential.helper=` override is added), but
 * nothing may wait for a person:
 * - GIT_TERMINAL_PROMPT=0 and GCM_INTERACTIVE=never: no prompts; a missing credential fails;
 * - GIT_ASKPASS and SSH_ASKPASS removed: no password dialogs on a server;
 * - ssh in batch mode without connection sharing (as cmd/go sets it) and with a connect
 *   timeout (an unreachable host fails in seconds, not at the command's deadline), unless
 *   the user configured ssh (GIT_SSH, GIT_SSH_COMMAND, core.sshCommand); either way git runs without a
 *   controlling terminal (its own session), so ssh cannot prompt;
 * - LC_ALL=C: git's messages in English, which `mapGitError` reads.
 * Credentials arrive as GIT_CONFIG_* entries, so they are neither on a command line (visible
 * in `ps`) nor in a URL (visible in logs).
 */
export function gitEnvironment(
  base: NodeJS.ProcessEnv,
  options: GitEnvironmentOptions = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const v of REPOSITORY_VARIABLES) delete env[v];
  delete env.GIT_ASKPASS;
  delete env.SSH_ASKPASS;
  env.SSH_ASKPASS_REQUIRE = 'never';
  env.GIT_TERMINAL_PROMPT = '0';
  env.GCM_INTERACTIVE = 'never';
  env.LC_ALL = 'C';
  delete env.LANGUAGE;
  if (options.sshCommand !== undefined) {
    env.GIT_SSH_COMMAND = options.sshCommand;
    delete env.GIT_SSH;
  } else if (!env.GIT_SSH && !env.GIT_SSH_COMMAND && options.userSshCommandConfigured !== true) {
    const timeout = sshConnectTimeout(options.sshConnectTimeoutSeconds);
    env.GIT_SSH_COMMAND = `ssh -o ControlMaster=no -o BatchMode=yes -o ConnectTimeout=${timeout}`;
  }
  if (options.allowedProtocols !== undefined && env.GIT_ALLOW_PROTOCOL === undefined) {
    env.GIT_ALLOW_PROTOCOL = options.allowedProtocols.join(':');
  }
  addGitConfig(env, options.config ?? []);
  return env;
}

/** Appends config entries to `env` (GIT_CONFIG_COUNT/KEY/VALUE, after any already there). */
export function addGitConfig(env: NodeJS.ProcessEnv, config: readonly GitConfigEntry[]): void {
  if (config.length === 0) return;
  const existing = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10);
  let n = Number.isFinite(existing) && existing > 0 ? existing : 0;
  for (const { key, value } of config) {
    env[`GIT_CONFIG_KEY_${n}`] = key;
    env[`GIT_CONFIG_VALUE_${n}`] = value;
    n++;
  }
  env.GIT_CONFIG_COUNT = String(n);
}
