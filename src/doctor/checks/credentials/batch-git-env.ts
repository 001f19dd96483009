import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { DoctorContext } from '../../doctor-context.js';

/**
 * The environment for a git (or ssh) probe that must never wait for a person: the machine's own
 * environment (ctx.env: its HOME, credential helpers, insteadOf rules, SSH agent), plus
 * - GIT_TERMINAL_PROMPT=0 and an empty GIT_ASKPASS / SSH_ASKPASS: no password prompt (git 2.39
 *   has no credential.interactive; an empty GIT_ASKPASS also overrides core.askPass), so a
 *   missing credential fails with "could not read Username … terminal prompts disabled", as it
 *   does under the go command, which sets GIT_TERMINAL_PROMPT=0 too;
 * - GCM_INTERACTIVE=never: Git Credential Manager shows no window;
 * - ssh in batch mode with a connect timeout (GIT_SSH_COMMAND, appended to the user's own).
 */
export function batchGitEnv(ctx: DoctorContext): Record<string, string | undefined> {
  const ssh = ctx.env.GIT_SSH_COMMAND ?? ctx.env.GIT_SSH ?? 'ssh';
  return {
    ...ctx.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GCM_INTERACTIVE: 'never',
    GIT_SSH: undefined,
    GIT_SSH_COMMAND: [ssh, ...sshBatchOptions(ctx).map(shellQuote)].join(' '),
  };
}

/**
 * ssh options for a probe: batch mode, a connect timeout, and — when ctx.home is not the
 * account's home (tests, or HOME pointed elsewhere) — that home's ~/.ssh files, since ssh reads
 * the account's home from the password database, not HOME; the other checks read ctx.home.
 */
export function sshBatchOptions(ctx: DoctorContext): string[] {
  const seconds = Math.max(1, Math.floor(ctx.probeTimeoutMs / 1000));
  const opts = ['-o', 'BatchMode=yes', '-o', `ConnectTimeout=${seconds}`];
  if (ctx.home !== accountHome()) {
    const dir = join(ctx.home, '.ssh');
    if (existsSync(join(dir, 'config'))) opts.push('-F', join(dir, 'config'));
    opts.push('-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`);
    for (const key of DEFAULT_KEYS) opts.push('-o', `IdentityFile=${join(dir, key)}`);
  }
  return opts;
}

/** The key files ssh tries by default, in its order (ssh_config(5) IdentityFile). */
export const DEFAULT_KEYS = [
  'id_rsa',
  'id_ecdsa',
  'id_ecdsa_sk',
  'id_ed25519',
  'id_ed25519_sk',
  'id_dsa',
];

/** The account's home from the password database: where ssh looks, whatever HOME says. */
function accountHome(): string {
  try {
    return userInfo().homedir;
  } catch {
    return '';
  }
}

/** GIT_SSH_COMMAND is run by a shell: quote each added word. */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_=./:-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
